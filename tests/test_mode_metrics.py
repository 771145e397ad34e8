"""Mode coverage metrics: the true mixture, collapsed and noisy generators, tiny exact cases."""

import numpy as np
import pytest

import minigan
from minigan.data import DATASETS, get_dataset, grid
from minigan.metrics import mode_metrics
from tests.helpers import tensor

HIGH_QUALITY_OF_TRUE_DATA = 1 - np.exp(-9 / 2)  # P(|e| <= 3) for e ~ N(0, I_2): |e|^2 is chi^2 with 2 dof


@pytest.mark.parametrize("name", list(DATASETS))
def test_true_mixture_covers_every_mode(xp, name):
    data, n = get_dataset(name), 2500
    result = mode_metrics(data.sample(n), data.centers, data.std)
    assert result["modes"] == result["n_modes"] == len(data.centers)
    p = HIGH_QUALITY_OF_TRUE_DATA  # the high-quality count is Binomial(n, p): allow 5 standard deviations
    assert abs(result["high_quality"] - p) < 5 * np.sqrt(p * (1 - p) / n)
    # a uniform multinomial's plug-in KL is about (K - 1) / (2 n): 0.005 on the grid
    assert 0 <= result["reverse_kl"] < 0.02


def test_one_mode_only(xp):
    data = grid()
    x = data.centers[7] + data.std * np.random.default_rng(0).standard_normal((500, 2))
    result = mode_metrics(tensor(xp, x, requires_grad=False), data.centers, data.std)
    assert result["modes"] == 1 and result["n_modes"] == 25
    assert result["high_quality"] > 0.95
    assert result["reverse_kl"] == pytest.approx(np.log(25), rel=1e-12)  # 1 * log(1 * 25)


def test_uniform_noise_is_low_quality():
    data = grid()
    x = np.random.default_rng(0).uniform(-10, 10, size=(2500, 2))
    result = mode_metrics(x, data.centers, data.std)
    # 25 disks of radius 0.15 cover 25 pi 0.15^2 / 20^2 = 0.44% of the box
    assert result["high_quality"] < 0.02


def test_tiny_exact_case():
    centers = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
    x = np.array([
        [0.0, 0.0],    # mode 0, distance 0: high quality
        [0.2, 0.0],    # mode 0, distance 0.2 <= 0.3: high quality
        [0.6, 0.0],    # nearest mode 1, distance 0.4 > 0.3: low quality
        [1.0, 0.25],   # mode 1, distance 0.25: high quality
        [5.0, 4.0],    # nearest mode 2, distance 1: low quality, so mode 2 is not covered
    ])
    result = mode_metrics(x, centers, 0.1)
    p = np.array([2 / 3, 1 / 3])
    assert result == {
        "modes": 2, "n_modes": 3, "high_quality": 3 / 5,
        "reverse_kl": pytest.approx((p * np.log(p * 3)).sum(), rel=1e-12),
    }


def test_uniform_over_modes_has_zero_kl():
    centers = np.array([[0.0, 0.0], [1.0, 0.0]])
    result = mode_metrics(np.array([[0.0, 0.0], [1.0, 0.05], [0.02, 0.0], [1.0, 0.0]]), centers, 0.1)
    assert result == {"modes": 2, "n_modes": 2, "high_quality": 1.0, "reverse_kl": 0.0}


def test_no_high_quality_sample():
    result = mode_metrics(np.array([[3.0, 3.0], [np.nan, 0.0], [np.inf, 0.0]]), np.zeros((2, 2)), 0.1)
    assert result == {"modes": 0, "n_modes": 2, "high_quality": 0.0, "reverse_kl": None}


def test_types_and_float32_tensor(xp):
    data = grid()
    result = mode_metrics(data.sample(100, dtype="float32"), data.centers, data.std)
    assert isinstance(result["modes"], int) and isinstance(result["n_modes"], int)
    assert isinstance(result["high_quality"], float) and isinstance(result["reverse_kl"], float)


def test_shape_errors():
    centers = np.zeros((3, 2))
    for bad in (np.zeros((4, 3)), np.zeros(4), np.zeros((0, 2)), minigan.zeros(2, 2, 1)):
        with pytest.raises(ValueError, match=r"samples must have shape \(n, 2\)"):
            mode_metrics(bad, centers, 0.1)
    with pytest.raises(ValueError, match=r"centers must have shape \(K, 2\).*got \(3,\)"):
        mode_metrics(np.zeros((4, 2)), np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="std must be positive, got 0"):
        mode_metrics(np.zeros((4, 2)), centers, 0)
