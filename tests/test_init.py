"""minigan.nn.init: the in-place fillers and the fan-in (DCGAN's initialisation: tests/test_dcgan.py)."""

import math

import numpy as np
import pytest

import minigan
from minigan import Tensor
from minigan.nn import init


def host(t):
    """A Tensor's values as a NumPy array."""
    return minigan.to_numpy(t.data)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_fills_in_place_within_bounds(xp, dtype):
    # 200,000 samples: the mean's standard error is 0.0013, so the 0.01 below is 7.7 of them
    t = Tensor(xp.zeros((1000, 200), dtype=dtype))
    data = t.data
    assert init.uniform_(t, -0.5, 1.5) is t
    assert t.data is data and t.dtype == dtype  # in place, dtype kept
    a = host(t)
    assert a.min() >= -0.5 and a.max() <= 1.5
    assert a.mean() == pytest.approx(0.5, abs=0.01)
    assert a.std() == pytest.approx(2 / math.sqrt(12), rel=0.02)  # std of U(a, b) is (b - a) / sqrt(12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_fills_in_place(xp, dtype):
    t = Tensor(xp.zeros((1000, 200), dtype=dtype))  # the mean's standard error 0.0011
    assert init.normal_(t, 3.0, 0.5) is t and t.dtype == dtype
    a = host(t)
    assert a.mean() == pytest.approx(3.0, abs=0.01)
    assert a.std() == pytest.approx(0.5, rel=0.02)


def test_zeros_ones(xp):
    t = Tensor(xp.full((3, 2), 7.0, dtype="float32"))
    np.testing.assert_array_equal(host(init.zeros_(t)), np.zeros((3, 2)))
    np.testing.assert_array_equal(host(init.ones_(t)), np.ones((3, 2)))
    assert t.dtype == np.float32


def test_fillers_follow_the_seed(xp):
    minigan.manual_seed(3)
    a = host(init.normal_(Tensor(xp.zeros(5)))).copy()
    b = host(init.uniform_(Tensor(xp.zeros(5)))).copy()
    minigan.manual_seed(3)
    np.testing.assert_array_equal(host(init.normal_(Tensor(xp.zeros(5)))), a)
    np.testing.assert_array_equal(host(init.uniform_(Tensor(xp.zeros(5)))), b)


def test_bad_arguments(xp):
    with pytest.raises(ValueError, match="a <= b"):
        init.uniform_(Tensor(xp.zeros(2)), 1.0, 0.0)
    with pytest.raises(ValueError, match="std >= 0"):
        init.normal_(Tensor(xp.zeros(2)), 0.0, -1.0)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.fan_in((3,))


def test_fan_in_as_pytorch():
    assert init.fan_in((8, 5)) == 5  # Linear (out, in)
    assert init.fan_in((8, 3, 4, 5)) == 60  # Conv2d (out, in, kh, kw)
    assert init.fan_in((3, 8, 4, 5)) == 160  # ConvTranspose2d (in, out, kh, kw): dimension 1 too


def test_fillers_draw_on_the_tensors_own_backend(xp):
    """With CuPy selected, a NumPy tensor is filled from NumPy's generator and stays on NumPy."""
    t = Tensor(np.zeros((3, 4), dtype="float32"))
    init.normal_(t)
    assert isinstance(t.data, np.ndarray) and (host(t) != 0).all()
    init.uniform_(t, 1.0, 2.0)
    assert isinstance(t.data, np.ndarray) and (host(t) >= 1).all()
