"""pad, interpolate, avg_pool2d and instance_norm: values against NumPy references, first and second
derivatives against finite differences, and errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import minigan
from minigan.nn import functional as F
from tests.helpers import floats64, tensor


def check_both(fn, inputs):
    """First and second derivatives of ``fn`` at ``inputs`` against finite differences."""
    minigan.gradcheck(fn, inputs)
    minigan.gradgradcheck(fn, inputs)


@given(shape=array_shapes(min_dims=1, max_dims=4, max_side=4), mode=st.sampled_from(["constant", "reflect"]),
       value=st.floats(-2.0, 2.0), data=st.data())
def test_pad(xp, shape, mode, value, data):
    pairs = data.draw(st.integers(1, len(shape)))
    widths = []
    for i in range(pairs):  # the first pair pads the last dimension
        side = shape[len(shape) - 1 - i]
        top = side - 1 if mode == "reflect" else 3  # reflect: each width below the size
        widths += [data.draw(st.integers(0, top)), data.draw(st.integers(0, top))]
    a = data.draw(floats64(shape))
    x = tensor(xp, a)
    np_widths = [(0, 0)] * (len(shape) - pairs) + [(widths[2 * i], widths[2 * i + 1]) for i in reversed(range(pairs))]
    kwargs = {"constant_values": value} if mode == "constant" else {}
    expected = np.pad(a, np_widths, mode=mode, **kwargs)
    fill = value if mode == "constant" else None
    np.testing.assert_array_equal(F.pad(x, widths, mode, fill).numpy(), expected)
    check_both(lambda t: F.pad(t, widths, mode, fill), [x])


def test_reflect_pad_gradient_adds_back_onto_the_mirrored_pixels(xp):
    x = tensor(xp, np.zeros(4))
    F.pad(x, (2, 1), mode="reflect").sum().backward()  # [c b | a b c d | c]
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3, 1])


@given(n=st.integers(1, 2), c=st.integers(1, 2), h=st.integers(1, 3), w=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), by_size=st.booleans(), data=st.data())
def test_nearest_interpolate(xp, n, c, h, w, sh, sw, by_size, data):
    a = data.draw(floats64((n, c, h, w)))
    x = tensor(xp, a)
    kwargs = {"size": (h * sh, w * sw)} if by_size else {"scale_factor": (sh, sw)}
    expected = a.repeat(sh, axis=2).repeat(sw, axis=3)
    np.testing.assert_array_equal(F.interpolate(x, **kwargs).numpy(), expected)
    np.testing.assert_array_equal(minigan.nn.Upsample(scale_factor=sh)(x).numpy(),
                                  a.repeat(sh, axis=2).repeat(sh, axis=3))
    check_both(lambda t: F.interpolate(t, **kwargs), [x])


def avg_pool_reference(a, k, s, p):
    """Average pooling by loops over the output pixels, zeros counted in the average."""
    a = np.pad(a, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    oh, ow = (a.shape[2] - k[0]) // s[0] + 1, (a.shape[3] - k[1]) // s[1] + 1
    y = np.zeros(a.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = a[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]].mean(axis=(2, 3))
    return y


@given(kh=st.integers(1, 3), kw=st.integers(1, 3), sh=st.integers(1, 3), sw=st.integers(1, 3),
       extra=st.tuples(st.integers(0, 3), st.integers(0, 3)), default_stride=st.booleans(), pad=st.booleans(),
       data=st.data())
def test_avg_pool2d(xp, kh, kw, sh, sw, extra, default_stride, pad, data):
    padding = (kh // 2, kw // 2) if pad else (0, 0)
    a = data.draw(floats64((2, 2, kh + extra[0], kw + extra[1])))
    x = tensor(xp, a)
    stride = (kh, kw) if default_stride else (sh, sw)
    expected = avg_pool_reference(a, (kh, kw), stride, padding)
    y = F.avg_pool2d(x, (kh, kw), None if default_stride else stride, padding)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-15)
    check_both(lambda t: F.avg_pool2d(t, (kh, kw), stride, padding), [x])


@given(shape=st.sampled_from([(1, 1, 2, 2), (2, 3, 2, 3), (3, 2, 5), (2, 1, 1, 4)]), affine=st.booleans(),
       data=st.data())
def test_instance_norm(xp, shape, affine, data):
    a = data.draw(floats64(shape))
    spatial = tuple(range(2, len(shape)))
    a = a + np.arange(np.prod(shape[spatial[0]:])).reshape(shape[2:]) * 0.3  # no constant channel
    C = shape[1]
    g, b = data.draw(floats64((C,), 0.5, 2.0)), data.draw(floats64((C,)))
    channels = (1, C) + (1,) * len(spatial)
    x_hat = (a - a.mean(axis=spatial, keepdims=True)) / np.sqrt(a.var(axis=spatial, keepdims=True) + 1e-5)
    inputs = [tensor(xp, a)] + ([tensor(xp, g), tensor(xp, b)] if affine else [])
    expected = x_hat * g.reshape(channels) + b.reshape(channels) if affine else x_hat
    fn = lambda t, *gb: F.instance_norm(t, *gb)  # noqa: E731
    np.testing.assert_allclose(fn(*inputs).numpy(), expected, rtol=1e-10, atol=1e-12)
    check_both(fn, inputs)


def test_instance_norm_keeps_samples_apart(xp):
    a = np.random.default_rng(0).standard_normal((3, 2, 4, 4))
    alone = F.instance_norm(tensor(xp, a[:1])).numpy()
    together = F.instance_norm(tensor(xp, a)).numpy()
    np.testing.assert_allclose(together[:1], alone, rtol=1e-12)  # one sample's output ignores the others


def test_bad_arguments_are_named(xp):
    x = tensor(xp, np.zeros((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="mode must be one of"):
        F.pad(x, (1, 1), mode="circular")
    with pytest.raises(ValueError, match=r"reflect padding \(3, 0\) must be smaller than the size 3 of dimension 3"):
        F.pad(x, (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="pairs of non-negative ints"):
        F.pad(x, (1, -1))
    with pytest.raises(ValueError, match="pairs of non-negative ints"):
        F.pad(x, (1, 1, 1))
    with pytest.raises(ValueError, match="whole factor >= 1"):
        F.interpolate(x, scale_factor=1.5)
    with pytest.raises(ValueError, match="whole factor >= 1"):
        F.interpolate(x, size=(4, 6))
    with pytest.raises(ValueError, match="exactly one of size and scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="mode must be 'nearest'"):
        F.interpolate(x, scale_factor=2, mode="bilinear")
    with pytest.raises(ValueError, match=r"avg_pool2d expects a Tensor \(N, C, H, W\)"):
        F.avg_pool2d(x[0], 2)
    with pytest.raises(ValueError, match="at most half the kernel"):
        F.avg_pool2d(x, 2, padding=2)
    with pytest.raises(ValueError, match="kernel 4x4 is larger than the padded input"):
        F.avg_pool2d(x, 4)
    with pytest.raises(ValueError, match="more than 1 spatial value per channel"):
        F.instance_norm(tensor(xp, np.zeros((2, 3, 1, 1))))
    with pytest.raises(ValueError, match=r"weight has shape \(3,\) but the input has 2 channels"):
        F.instance_norm(x, weight=tensor(xp, np.ones(3)))
