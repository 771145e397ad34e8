"""Mode coverage of generated 2D points on a Gaussian mixture.

The protocol of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018): give each
generated point to its nearest mode centre;

* a point is *high quality* when it lies within 3 standard deviations of that centre
  (Euclidean distance <= 3 std);
* a mode is *covered* when at least one high-quality point belongs to it;
* the *reverse KL* compares the histogram p of the high-quality points over the K modes with
  the true, uniform one: KL(p || U) = sum_k p_k log(p_k K), over the p_k > 0. It is 0 when
  every mode gets the same share and log K when all points fall on one mode.

For samples of the true mixture, the fraction of high-quality points is the probability that
a 2D standard Gaussian lies within radius 3: 1 - exp(-9/2) = 0.9889.
"""

from minigan import backend
from minigan.autograd import Tensor


def mode_metrics(samples, centers, std):
    """Mode coverage, sample quality and reverse KL of ``samples`` on a Gaussian mixture.

    Args:
        samples: generated points, a Tensor or array of shape (n, 2), n >= 1. Non-finite
            points (a diverged generator) count as low quality.
        centers: the K mode centres, shape (K, 2).
        std: the standard deviation of each mode.

    Returns a dict:
        ``modes``: the number of covered modes (int);
        ``n_modes``: K (int);
        ``high_quality``: the fraction of high-quality samples (float);
        ``reverse_kl``: KL(histogram of the high-quality samples || uniform) (float), or
        ``None`` when no sample is high quality.
    """
    x = backend.to_numpy(samples.data if isinstance(samples, Tensor) else samples)
    c = backend.to_numpy(centers)
    if x.ndim != 2 or x.shape[1] != 2 or x.shape[0] == 0:
        raise ValueError(f"mode_metrics: samples must have shape (n, 2) with n >= 1, got {x.shape}")
    if c.ndim != 2 or c.shape[1] != 2 or c.shape[0] == 0:
        raise ValueError(f"mode_metrics: centers must have shape (K, 2) with K >= 1, got {c.shape}")
    if not std > 0:
        raise ValueError(f"mode_metrics: std must be positive, got {std!r}")
    xp = backend.get_array_module(x)  # NumPy: the metric is host-side bookkeeping
    n_modes = c.shape[0]

    d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)  # (n, K) squared distances
    nearest = d2.argmin(axis=1)
    good = xp.sqrt(d2[xp.arange(len(x)), nearest]) <= 3 * std  # NaN compares False: low quality
    counts = xp.bincount(nearest[good], minlength=n_modes)  # high-quality points per mode

    return {
        "modes": int((counts > 0).sum()),
        "n_modes": int(n_modes),
        "high_quality": float(good.mean()),
        "reverse_kl": kl_to_uniform(counts) if good.any() else None,
    }


def kl_to_uniform(counts):
    """KL(p || U) in nats of the histogram ``counts`` (K,) against the uniform one over K bins.

    p = counts / sum(counts) and KL = sum_k p_k log(p_k K), over the p_k > 0 (0 log 0 = 0):
    0 when every bin gets the same share, log K when one bin gets everything.
    """
    xp = backend.get_array_module(counts)
    p = counts[counts > 0] / counts.sum()
    return float((p * xp.log(p * len(counts))).sum())
