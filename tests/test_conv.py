"""conv2d, conv_transpose2d, im2col and col2im: values against the definition, gradients
against finite differences, second derivatives, errors and dtypes."""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import minigan
from minigan import Tensor
from minigan.nn.functional.conv import Conv2dGradW, col2im, conv2d, conv_transpose2d, im2col
from tests.helpers import floats64, tensor


# ---------------------------------------------------------------- references (the definitions)

def pad(x, padding):
    """x (N, C, H, W) with PH zero rows above and below and PW zero columns on each side."""
    (ph, pw) = padding
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def conv2d_reference(x, W, b, stride, padding):
    """y[n, oc, oh, ow] = b[oc] + sum_{c, i, j} x_pad[n, c, oh*SH + i, ow*SW + j] W[oc, c, i, j]."""
    (sh, sw), (kh, kw) = stride, W.shape[2:]
    x_pad = pad(x, padding)
    oh_count = (x_pad.shape[2] - kh) // sh + 1
    ow_count = (x_pad.shape[3] - kw) // sw + 1
    y = np.zeros((x.shape[0], W.shape[0], oh_count, ow_count))
    for n in range(y.shape[0]):
        for oc in range(y.shape[1]):
            for oh in range(oh_count):
                for ow in range(ow_count):
                    window = x_pad[n, :, oh * sh:oh * sh + kh, ow * sw:ow * sw + kw]
                    y[n, oc, oh, ow] = (window * W[oc]).sum() + (0 if b is None else b[oc])
    return y


def conv_transpose2d_reference(x, W, b, stride, padding, output_padding):
    """Scatter x[n, c, h, w] * W[c] into the window at (h*SH, w*SW), then crop the padding."""
    (sh, sw), (ph, pw), (kh, kw) = stride, padding, W.shape[2:]
    n_count, c_count, h_count, w_count = x.shape
    full = np.zeros((n_count, W.shape[1],
                     (h_count - 1) * sh + kh + output_padding[0],
                     (w_count - 1) * sw + kw + output_padding[1]))
    for n in range(n_count):
        for c in range(c_count):
            for h in range(h_count):
                for w in range(w_count):
                    full[n, :, h * sh:h * sh + kh, w * sw:w * sw + kw] += x[n, c, h, w] * W[c]
    y = full[:, :, ph:full.shape[2] - ph, pw:full.shape[3] - pw]
    return y if b is None else y + b.reshape(1, -1, 1, 1)


# ---------------------------------------------------------------- drawn cases

@dataclass
class Case:
    """One convolution: arrays x (N, C, H, W), W, b and the stride/padding pairs."""

    x: np.ndarray
    W: np.ndarray
    b: np.ndarray
    stride: tuple
    padding: tuple
    output_padding: tuple = (0, 0)

    def tensors(self, xp):
        """x, W, b as float64 tensors on xp's backend, all requiring grad."""
        return tensor(xp, self.x), tensor(xp, self.W), tensor(xp, self.b)


@st.composite
def cases(draw, transposed=False, max_batch=2, max_channels=3, max_size=7):
    """A valid conv2d (or conv_transpose2d) case; kernels 1..4 and strides 1..3 per dimension,
    so windows overlap (kernel > stride), tile, or skip pixels (kernel < stride)."""
    n = draw(st.integers(1, max_batch))
    c, oc = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    h, w = draw(st.integers(1, max_size)), draw(st.integers(1, max_size))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    if transposed:
        output_padding = (draw(st.integers(0, stride[0] - 1)), draw(st.integers(0, stride[1] - 1)))
        # the padding must leave at least one output row and column
        assume((h - 1) * stride[0] - 2 * padding[0] + kh + output_padding[0] >= 1)
        assume((w - 1) * stride[1] - 2 * padding[1] + kw + output_padding[1] >= 1)
        weight_shape = (c, oc, kh, kw)
    else:
        output_padding = (0, 0)
        assume(h + 2 * padding[0] >= kh and w + 2 * padding[1] >= kw)  # at least one window
        weight_shape = (oc, c, kh, kw)
    return Case(draw(floats64((n, c, h, w))), draw(floats64(weight_shape)), draw(floats64((oc,))),
                stride, padding, output_padding)


def fixed_case(x_shape, weight_shape, stride, padding, output_padding=None):
    """A Case with the given shapes and seeded values, for explicit @example settings;
    transposed (weight (C, OC, KH, KW)) when an output_padding is given."""
    rng = np.random.default_rng(0)
    out_channels = weight_shape[0] if output_padding is None else weight_shape[1]
    return Case(rng.standard_normal(x_shape), rng.standard_normal(weight_shape),
                rng.standard_normal(out_channels), stride, padding, output_padding or (0, 0))


# kernel smaller than the stride (skipped pixels, dropped trailing rows) and larger (overlap)
SPARSE = fixed_case((2, 2, 8, 7), (3, 2, 1, 2), stride=(3, 3), padding=(0, 1))
OVERLAPPING = fixed_case((1, 3, 5, 4), (2, 3, 4, 3), stride=(1, 2), padding=(2, 1))
SPARSE_T = fixed_case((2, 2, 3, 2), (2, 3, 1, 2), stride=(3, 3), padding=(0, 1), output_padding=(2, 1))
OVERLAPPING_T = fixed_case((1, 3, 4, 3), (3, 2, 4, 3), stride=(2, 1), padding=(2, 1), output_padding=(1, 0))


def conv_fn(case):
    """conv2d with the case's settings, as a function of (x, W) or (x, W, b)."""
    return lambda x, W, b=None: conv2d(x, W, b, stride=case.stride, padding=case.padding)


def conv_transpose_fn(case):
    """conv_transpose2d with the case's settings, as a function of (x, W) or (x, W, b)."""
    return lambda x, W, b=None: conv_transpose2d(x, W, b, stride=case.stride, padding=case.padding,
                                                 output_padding=case.output_padding)


# ---------------------------------------------------------------- forward values

@pytest.mark.parametrize("with_bias", [True, False])
@given(case=cases())
@example(case=SPARSE)
@example(case=OVERLAPPING)
def test_conv2d_matches_definition(xp, case, with_bias):
    x, W, b = case.tensors(xp)
    y = conv_fn(case)(x, W, b) if with_bias else conv_fn(case)(x, W)
    expected = conv2d_reference(case.x, case.W, case.b if with_bias else None, case.stride, case.padding)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("with_bias", [True, False])
@given(case=cases(transposed=True))
@example(case=SPARSE_T)
@example(case=OVERLAPPING_T)
def test_conv_transpose2d_matches_definition(xp, case, with_bias):
    x, W, b = case.tensors(xp)
    y = conv_transpose_fn(case)(x, W, b) if with_bias else conv_transpose_fn(case)(x, W)
    expected = conv_transpose2d_reference(case.x, case.W, case.b if with_bias else None, case.stride,
                                          case.padding, case.output_padding)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)


@given(case=cases(), data=st.data())
def test_im2col_and_col2im_are_adjoint(xp, case, data):
    kernel = case.W.shape[2:]
    col = im2col(xp.asarray(case.x), kernel, case.stride, case.padding)
    c = data.draw(floats64(col.shape), label="c")
    back = col2im(xp.asarray(c), case.x.shape[2:], case.stride, case.padding)
    assert back.shape == case.x.shape
    lhs = float((minigan.to_numpy(col) * c).sum())  # <im2col(x), c>
    rhs = float((case.x * minigan.to_numpy(back)).sum())  # <x, col2im(c)>
    assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


@given(case=cases())
def test_im2col_matches_its_formula(xp, case):
    (sh, sw), (kh, kw) = case.stride, case.W.shape[2:]
    col = minigan.to_numpy(im2col(xp.asarray(case.x), (kh, kw), case.stride, case.padding))
    x_pad = pad(case.x, case.padding)
    C, KH, KW, OH, OW, N = col.shape
    assert (C, KH, KW, N) == (case.x.shape[1], kh, kw, case.x.shape[0])
    for i in range(KH):
        for j in range(KW):
            # col[c, i, j, oh, ow, n] = x_pad[n, c, oh*SH + i, ow*SW + j]
            expected = x_pad[:, :, i:i + sh * OH:sh, j:j + sw * OW:sw].transpose(1, 2, 3, 0)
            np.testing.assert_array_equal(col[:, i, j], expected)


@given(case=cases(), data=st.data())
def test_weight_gradient_from_kept_windows_equals_recomputed(xp, case, data):
    """Conv2d hands its forward's windows to Conv2dGradW: the same gW as copying them again."""
    kernel = case.W.shape[2:]
    x = xp.asarray(case.x)
    gy = xp.asarray(data.draw(floats64(conv2d_reference(case.x, case.W, None, case.stride,
                                                        case.padding).shape), label="gy"))
    windows = im2col(x, kernel, case.stride, case.padding)
    kept = Conv2dGradW(kernel, case.stride, case.padding, windows)(Tensor(x), Tensor(gy))
    again = Conv2dGradW(kernel, case.stride, case.padding)(Tensor(x), Tensor(gy))
    np.testing.assert_array_equal(kept.numpy(), again.numpy())


# ---------------------------------------------------------------- gradients

@given(case=cases())
@example(case=SPARSE)
@example(case=OVERLAPPING)
def test_conv2d_gradcheck(xp, case):
    minigan.gradcheck(conv_fn(case), case.tensors(xp))


@given(case=cases(transposed=True))
@example(case=SPARSE_T)
@example(case=OVERLAPPING_T)
def test_conv_transpose2d_gradcheck(xp, case):
    minigan.gradcheck(conv_transpose_fn(case), case.tensors(xp))


@pytest.mark.parametrize("transposed", [False, True])
@given(data=st.data(), need=st.sampled_from([(True, False), (False, True)]))
def test_gradcheck_without_bias_one_input_at_a_time(xp, transposed, data, need):
    case = data.draw(cases(transposed=transposed), label="case")
    x, W, _ = case.tensors(xp)
    x.requires_grad, W.requires_grad = need  # the gradient that is skipped must not be needed
    fn = conv_transpose_fn(case) if transposed else conv_fn(case)
    minigan.gradcheck(fn, [x, W])


# second derivatives: the backward pass itself checked against finite differences
@given(case=cases())
@example(case=fixed_case((1, 2, 4, 3), (2, 2, 1, 2), stride=(3, 2), padding=(0, 1)))
@example(case=fixed_case((1, 1, 3, 4), (2, 1, 3, 2), stride=(1, 2), padding=(1, 0)))
def test_conv2d_gradgradcheck(xp, case):
    minigan.gradgradcheck(conv_fn(case), case.tensors(xp))


@given(case=cases(transposed=True))
@example(case=fixed_case((1, 2, 2, 2), (2, 1, 1, 2), stride=(3, 2), padding=(0, 1), output_padding=(2, 1)))
@example(case=fixed_case((1, 1, 3, 2), (1, 2, 3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0)))
def test_conv_transpose2d_gradgradcheck(xp, case):
    minigan.gradgradcheck(conv_transpose_fn(case), case.tensors(xp))


# ---------------------------------------------------------------- dtypes

@pytest.mark.parametrize("transposed", [False, True])
def test_float32_stays_float32(xp, transposed):
    rng = np.random.default_rng(0)
    x = Tensor(xp.asarray(rng.standard_normal((2, 3, 5, 4)), dtype=xp.float32), requires_grad=True)
    W = Tensor(xp.asarray(rng.standard_normal((3, 3, 3, 2)), dtype=xp.float32), requires_grad=True)
    b = Tensor(xp.zeros(3, dtype=xp.float32), requires_grad=True)
    if transposed:
        y = conv_transpose2d(x, W, b, stride=2, padding=1, output_padding=1)
    else:
        y = conv2d(x, W, b, stride=2, padding=1)
    assert y.dtype == np.float32
    (y * y).sum().backward(create_graph=True)
    for t in (x, W, b):
        assert t.grad.dtype == np.float32
    gx_norm = (x.grad * x.grad).sum()  # a second derivative, as in a gradient penalty
    assert minigan.grad(gx_norm, W)[0].dtype == np.float32


# ---------------------------------------------------------------- errors

def zeros(xp, *shape):
    """A float64 zero tensor of ``shape`` on xp's backend."""
    return Tensor(xp.zeros(shape))


def test_x_not_4d_is_an_error(xp):
    with pytest.raises(ValueError, match=r"conv2d: x must be 4-D \(N, C, H, W\), got shape \(3, 5, 5\)"):
        conv2d(zeros(xp, 3, 5, 5), zeros(xp, 2, 3, 3, 3))
    with pytest.raises(ValueError, match=r"conv_transpose2d: x must be 4-D"):
        conv_transpose2d(zeros(xp, 3, 5, 5), zeros(xp, 3, 2, 3, 3))


def test_channel_mismatch_names_both_shapes(xp):
    with pytest.raises(ValueError, match=r"channel mismatch: x of shape \(1, 3, 5, 5\).*"
                                         r"weight of shape \(2, 4, 3, 3\)"):
        conv2d(zeros(xp, 1, 3, 5, 5), zeros(xp, 2, 4, 3, 3))
    with pytest.raises(ValueError, match=r"channel mismatch: x of shape \(1, 3, 5, 5\).*"
                                         r"weight of shape \(2, 3, 3, 3\)"):
        conv_transpose2d(zeros(xp, 1, 3, 5, 5), zeros(xp, 2, 3, 3, 3))


def test_wrong_bias_shape_is_an_error(xp):
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        conv2d(zeros(xp, 1, 3, 5, 5), zeros(xp, 2, 3, 3, 3), zeros(xp, 3))


def test_kernel_larger_than_padded_input_is_an_error(xp):
    with pytest.raises(ValueError, match=r"kernel 6x3 is larger than the padded input 5x3"):
        conv2d(zeros(xp, 1, 1, 3, 3), zeros(xp, 1, 1, 6, 3), padding=(1, 0))


def test_transposed_output_smaller_than_one_is_an_error(xp):
    with pytest.raises(ValueError, match=r"conv_transpose2d: output size -1x1 is less than 1"):
        conv_transpose2d(zeros(xp, 1, 1, 1, 1), zeros(xp, 1, 1, 1, 1), padding=(1, 0))


@pytest.mark.parametrize("kwargs, message", [
    ({"stride": 0}, r"stride must be >= 1, got 0"),
    ({"stride": (1, -2)}, r"stride must be >= 1, got \(1, -2\)"),
    ({"padding": -1}, r"padding must be >= 0, got -1"),
    ({"padding": (1, 2, 3)}, r"padding must be an int or a pair of ints"),
])
def test_bad_stride_or_padding_is_an_error(xp, kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv2d(zeros(xp, 1, 1, 5, 5), zeros(xp, 1, 1, 3, 3), **kwargs)
    with pytest.raises(ValueError, match=message):
        conv_transpose2d(zeros(xp, 1, 1, 5, 5), zeros(xp, 1, 1, 3, 3), **kwargs)


def test_output_padding_not_below_stride_is_an_error(xp):
    with pytest.raises(ValueError, match=r"output_padding \(2, 0\) must be smaller than stride \(2, 2\)"):
        conv_transpose2d(zeros(xp, 1, 1, 3, 3), zeros(xp, 1, 1, 3, 3), stride=2, output_padding=(2, 0))
