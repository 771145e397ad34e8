"""2D mixtures of Gaussians: the mode-collapse benchmarks of VEEGAN and PacGAN.

Each mode is an isotropic Gaussian of standard deviation ``std`` around one of K centres,
and every mode is equally likely. A GAN that drops modes shows it at a glance on a scatter
plot, and ``minigan.metrics.mode_metrics`` counts it.

* ``ring()``: 8 modes on the unit circle, std 0.01;
* ``grid()``: 25 modes on a 5 x 5 grid with spacing 2, std 0.05.
"""

import math
import numbers

from minigan import backend
from minigan.autograd import Tensor


class GaussianMixture:
    """An equal-weight mixture of K isotropic 2D Gaussians.

    Args:
        centers: the K mode centres, shape (K, 2) (any array-like).
        std: the standard deviation of every mode, a positive number.
        name: a label for logs and plots.

    Attributes:
        centers: the centres as a NumPy float64 array of shape (K, 2), on the host.
        std, name: as given.
    """

    def __init__(self, centers, std, name="mixture"):
        centers = backend.to_numpy(centers).astype("float64")
        if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] == 0:
            raise ValueError(f"GaussianMixture: centers must have shape (K, 2) with K >= 1, got {centers.shape}")
        if not std > 0:
            raise ValueError(f"GaussianMixture: std must be positive, got {std!r}")
        self.centers, self.std, self.name = centers, float(std), name

    def sample(self, n, dtype="float32"):
        """``n`` points of the mixture as a Tensor of shape (n, 2) on the selected backend.

        Each point picks a mode uniformly, then adds Gaussian noise:
        ``x = centers[k] + std * e`` with ``k ~ U{0..K-1}`` and ``e ~ N(0, I)``. Both come from
        ``backend.rng()``, so ``minigan.manual_seed`` fixes the data.
        """
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 0:
            raise ValueError(f"sample: n must be a non-negative integer, got {n!r}")
        xp = backend.xp()
        if xp.dtype(dtype).kind != "f":
            raise ValueError(f"sample: dtype must be a floating-point type, got {dtype!r}")
        rng = backend.rng()
        k = rng.integers(0, len(self.centers), int(n))
        e = rng.standard_normal((int(n), 2))
        centers = xp.asarray(self.centers)  # xp.asarray, not backend.asarray: that keeps NumPy arrays on the host
        return Tensor((centers[k] + self.std * e).astype(dtype))

    def __repr__(self):
        return f"GaussianMixture(name={self.name!r}, modes={len(self.centers)}, std={self.std})"


def ring(n_modes=8, radius=1.0, std=0.01):
    """``n_modes`` Gaussians evenly spaced on a circle: centre k at angle 2 pi k / n_modes."""
    angles = [2 * math.pi * k / n_modes for k in range(n_modes)]
    return GaussianMixture([(radius * math.cos(a), radius * math.sin(a)) for a in angles], std, "ring")


def grid(size=5, spacing=2.0, std=0.05):
    """``size`` x ``size`` Gaussians on a square grid centred at 0: (-4 + 2i, -4 + 2j) by default."""
    offsets = [spacing * (i - (size - 1) / 2) for i in range(size)]
    return GaussianMixture([(a, b) for a in offsets for b in offsets], std, "grid")


DATASETS = {"ring": ring, "grid": grid}


def get_dataset(name):
    """The toy dataset called ``name`` (a key of ``DATASETS``), with its default settings."""
    if name not in DATASETS:
        raise ValueError(f"unknown toy dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[name]()
