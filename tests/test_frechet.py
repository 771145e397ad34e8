"""The Fréchet distance between Gaussians against closed forms, and its basic properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigan import to_numpy
from minigan.metrics import frechet_distance, frechet_distance_of_features, gaussian_stats
from tests.helpers import floats64


def covariance(a):
    """A symmetric positive definite 2x2 matrix from any 2x2 array."""
    return a @ a.T + 0.1 * np.eye(2)


@given(floats64((2,)), floats64((2,)), floats64((2, 2)), floats64((2, 2)))
def test_two_by_two_matches_the_closed_form(xp, mu1, mu2, a, b):
    # for 2x2 symmetric PSD M: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); here M = S1^1/2 S2 S1^1/2,
    # with tr M = tr(S1 S2) and det M = det S1 det S2
    S1, S2 = covariance(a), covariance(b)
    trace_sqrt = np.sqrt(np.trace(S1 @ S2) + 2 * np.sqrt(np.linalg.det(S1) * np.linalg.det(S2)))
    expected = np.sum((mu1 - mu2) ** 2) + np.trace(S1) + np.trace(S2) - 2 * trace_sqrt
    got = frechet_distance(*(xp.asarray(v) for v in (mu1, S1, mu2, S2)))
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_diagonal_covariances_give_the_sum_of_squared_differences(xp):
    # commuting diagonal covariances: d^2 = |mu1 - mu2|^2 + sum_i (s1_i - s2_i)^2 with s the std devs
    s1, s2 = np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.0, 5.0])
    mu1, mu2 = np.array([0.0, 1.0, -1.0]), np.array([3.0, 1.0, 3.0])
    got = frechet_distance(xp.asarray(mu1), xp.asarray(np.diag(s1 ** 2)), xp.asarray(mu2), xp.asarray(np.diag(s2 ** 2)))
    assert got == pytest.approx(9 + 16 + 0.25 + 0 + 4, rel=1e-12)


@given(st.integers(2, 5), st.integers(0, 2 ** 31))
def test_zero_for_identical_and_symmetric(xp, d, seed):
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(size=(40, d)), rng.normal(size=(30, d)) * 2 + 1
    assert frechet_distance_of_features(xp.asarray(f1), xp.asarray(f1)) == pytest.approx(0, abs=1e-9)
    assert frechet_distance_of_features(xp.asarray(f1), xp.asarray(f2)) == pytest.approx(
        frechet_distance_of_features(xp.asarray(f2), xp.asarray(f1)), rel=1e-9)


def test_singular_covariances_are_fine(xp):
    # rank-1 covariances (fewer samples than dimensions): eigenvalues that round below 0 are 0
    S = np.outer([1.0, 2.0, 0.0], [1.0, 2.0, 0.0])
    assert frechet_distance(xp.zeros(3), xp.asarray(S), xp.zeros(3), xp.asarray(S)) == pytest.approx(0, abs=1e-9)
    assert frechet_distance(xp.zeros(3), xp.asarray(S), xp.zeros(3), xp.zeros((3, 3))) == pytest.approx(5.0)


def test_gaussian_stats_are_the_mean_and_unbiased_covariance(xp):
    x = np.random.default_rng(1).normal(size=(50, 3))
    mu, S = gaussian_stats(xp.asarray(x))
    np.testing.assert_allclose(to_numpy(mu), x.mean(axis=0))
    np.testing.assert_allclose(to_numpy(S), np.cov(x, rowvar=False))


def test_bad_shapes_are_named(xp):
    with pytest.raises(ValueError, match=r"features must have shape \(N, D\) with N >= 2"):
        gaussian_stats(xp.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"sigma2 shape \(2, 2\); got mu1 \(2,\) and sigma2 \(3, 3\)"):
        frechet_distance(xp.zeros(2), xp.eye(2), xp.zeros(2), xp.eye(3))
