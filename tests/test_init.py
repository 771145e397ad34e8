"""minigan.nn.init: the in-place fillers, the fan-in, and DCGAN's initialisation of a model."""

import math

import numpy as np
import pytest

import minigan
from minigan import Tensor, nn
from minigan.nn import init


def host(t):
    """A Tensor's values as a NumPy array."""
    return minigan.to_numpy(t.data)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_fills_in_place_within_bounds(xp, dtype):
    t = Tensor(xp.zeros((200, 100), dtype=dtype))
    data = t.data
    assert init.uniform_(t, -0.5, 1.5) is t
    assert t.data is data and t.dtype == dtype  # in place, dtype kept
    a = host(t)
    assert a.min() >= -0.5 and a.max() <= 1.5
    assert a.mean() == pytest.approx(0.5, abs=0.01)
    assert a.std() == pytest.approx(2 / math.sqrt(12), rel=0.02)  # std of U(a, b) is (b - a) / sqrt(12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_normal_fills_in_place(xp, dtype):
    t = Tensor(xp.zeros((200, 100), dtype=dtype))
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


def dcgan_like():
    """Every kind of layer DCGAN initialises, large enough for the statistics."""
    return nn.Sequential(
        nn.ConvTranspose2d(64, 32, 4, bias=False), nn.BatchNorm2d(4096), nn.ReLU(),
        nn.Conv2d(32, 64, 4), nn.Linear(512, 256), nn.BatchNorm1d(8, affine=False),
    )


def test_dcgan_init(xp):
    model = dcgan_like()
    model[5].running_var[...] = 2.0
    assert init.dcgan_init_(model) is model
    for layer in (model[0], model[3], model[4]):
        w = host(layer.weight)
        assert w.mean() == pytest.approx(0.0, abs=0.001)
        assert w.std() == pytest.approx(0.02, rel=0.03)
    np.testing.assert_array_equal(host(model[3].bias), 0)
    np.testing.assert_array_equal(host(model[4].bias), 0)
    assert model[0].bias is None
    gamma = host(model[1].weight)
    assert gamma.mean() == pytest.approx(1.0, abs=0.002)
    assert gamma.std() == pytest.approx(0.02, rel=0.05)
    np.testing.assert_array_equal(host(model[1].bias), 0)
    np.testing.assert_array_equal(minigan.to_numpy(model[5].running_var), 2.0)  # buffers untouched
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_dcgan_init_follows_the_seed(xp):
    minigan.manual_seed(0)
    a = init.dcgan_init_(dcgan_like()).state_dict()
    minigan.manual_seed(0)
    b = init.dcgan_init_(dcgan_like()).state_dict()
    for name in a:
        np.testing.assert_array_equal(minigan.to_numpy(a[name]), minigan.to_numpy(b[name]))
