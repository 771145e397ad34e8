"""The 2D Gaussian mixtures: layout, sampling, reproducibility."""

import numpy as np
import pytest

import minigan
from minigan.data import DATASETS, GaussianMixture, get_dataset, grid, ring


def nearest_mode(points, centers):
    """The index of the nearest centre of each point, one centre at a time."""
    return np.argmin([np.hypot(points[:, 0] - cx, points[:, 1] - cy) for cx, cy in centers], axis=0)


def test_ring_centers():
    data = ring()
    expected = [(np.cos(2 * np.pi * k / 8), np.sin(2 * np.pi * k / 8)) for k in range(8)]
    assert isinstance(data.centers, np.ndarray) and data.centers.dtype == np.float64
    np.testing.assert_allclose(data.centers, expected, rtol=0, atol=1e-15)
    assert data.std == 0.01 and data.name == "ring"


def test_grid_centers():
    data = grid()
    expected = {(-4.0 + 2 * i, -4.0 + 2 * j) for i in range(5) for j in range(5)}
    assert data.centers.shape == (25, 2)
    assert {tuple(c) for c in data.centers.tolist()} == expected  # exact: no rounding on the grid
    assert data.std == 0.05 and data.name == "grid"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sample_shape_dtype_backend(xp, dtype):
    x = ring().sample(7, dtype=dtype)
    assert isinstance(x, minigan.Tensor) and isinstance(x.data, xp.ndarray)
    assert x.shape == (7, 2) and x.dtype == dtype and not x.requires_grad
    assert ring().sample(0).shape == (0, 2)


def test_same_seed_same_data(xp):
    data = grid()
    minigan.manual_seed(3)
    a = data.sample(50).numpy()
    minigan.manual_seed(3)
    b = data.sample(50).numpy()
    minigan.manual_seed(4)
    c = data.sample(50).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", list(DATASETS))
def test_modes_have_the_given_std_and_equal_weights(xp, name):
    data, n = get_dataset(name), 20_000
    x = data.sample(n, dtype="float64").numpy()
    k = nearest_mode(x, data.centers)  # modes are >= 25 std apart: nearest is the true mode
    n_modes = len(data.centers)
    counts = np.bincount(k, minlength=n_modes)
    p = 1 / n_modes
    # each count is Binomial(n, 1/K): allow 5 standard deviations
    assert np.abs(counts - n * p).max() < 5 * np.sqrt(n * p * (1 - p)), counts
    for j in range(n_modes):
        dev = x[k == j] - data.centers[j]
        # a sample std from m points has relative standard error 1 / sqrt(2 m): allow 5 of them
        np.testing.assert_allclose(dev.std(axis=0), data.std, rtol=5 / np.sqrt(2 * counts[j]))
        np.testing.assert_allclose(dev.mean(axis=0), 0, atol=5 * data.std / np.sqrt(counts[j]))


def test_custom_mixture_and_errors():
    data = GaussianMixture([[0, 0], [3, 1]], 0.5, "pair")
    assert data.centers.dtype == np.float64 and "pair" in repr(data)
    with pytest.raises(ValueError, match=r"centers must have shape \(K, 2\).*got \(3,\)"):
        GaussianMixture([1, 2, 3], 0.1)
    with pytest.raises(ValueError, match=r"centers must have shape \(K, 2\).*got \(0,\)"):
        GaussianMixture([], 0.1)
    with pytest.raises(ValueError, match="std must be positive, got -1"):
        GaussianMixture([[0, 0]], -1)
    with pytest.raises(ValueError, match="n must be a non-negative integer, got 2.5"):
        data.sample(2.5)
    with pytest.raises(ValueError, match="dtype must be a floating-point type"):
        data.sample(3, dtype="int64")
    with pytest.raises(ValueError, match="unknown toy dataset 'spiral'; choose one of ring, grid"):
        get_dataset("spiral")
