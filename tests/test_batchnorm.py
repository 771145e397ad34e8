"""batch_norm: forward against a per-channel loop, running statistics, first and second derivatives."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan import Tensor, backend
from minigan.nn.functional.batchnorm import batch_norm
from tests.helpers import floats64, tensor

EPS = 1e-5


def shapes(ndim):
    """A strategy for input shapes of ``ndim`` dims: N 2..4, C 1..3, L/H/W 1..3."""
    return st.tuples(st.integers(2, 4), st.integers(1, 3), *[st.integers(1, 3)] * (ndim - 2))


def batches(shape):
    """A strategy for float64 batches of ``shape`` with every channel spread out.

    Samples alternate +3 / -3 along the batch axis, so no channel is nearly constant: its
    variance stays near 1 or above and 1/sqrt(var + eps) stays moderate, where central
    differences are accurate.
    """
    sign = (-1.0) ** np.arange(shape[0]).reshape((-1,) + (1,) * (len(shape) - 1))
    return floats64(shape).map(lambda a: a + 3.0 * sign)


def per_channel(draw, c, low=-2.0, high=2.0):
    """A float64 array (C,) drawn with ``draw``."""
    return draw(floats64((c,), low, high))


def reference(x, gamma, beta, mean=None, var=None):
    """y by a loop over channels; the batch's statistics when ``mean``/``var`` are None.

    Returns y and, per channel, the batch mean and the unbiased batch variance.
    """
    y = np.empty_like(x)
    batch_mean, batch_var_unbiased = [], []
    for c in range(x.shape[1]):
        v = x[:, c]
        m = v.size
        mu = v.sum() / m
        batch_mean.append(mu)
        batch_var_unbiased.append(((v - mu) ** 2).sum() / (m - 1))
        if mean is None:
            y[:, c] = (v - mu) / np.sqrt(((v - mu) ** 2).sum() / m + EPS)
        else:
            y[:, c] = (v - mean[c]) / np.sqrt(var[c] + EPS)
        if gamma is not None:
            y[:, c] = y[:, c] * gamma[c]
        if beta is not None:
            y[:, c] = y[:, c] + beta[c]
    return y, np.array(batch_mean), np.array(batch_var_unbiased)


def affine(xp, draw, c, is_affine):
    """(gamma, beta) as NumPy arrays and as Tensors requiring grad, or all None."""
    if not is_affine:
        return None, None, None, None
    gamma, beta = per_channel(draw, c), per_channel(draw, c)
    return gamma, beta, tensor(xp, gamma), tensor(xp, beta)


# ---------------------------------------------------------------- forward and running statistics

@pytest.mark.parametrize("ndim", [2, 3, 4])
@given(data=st.data(), is_affine=st.booleans())
def test_train_forward_matches_loop(xp, ndim, data, is_affine):
    x = data.draw(batches(data.draw(shapes(ndim))))
    gamma, beta, weight, bias = affine(xp, data.draw, x.shape[1], is_affine)
    y = batch_norm(tensor(xp, x), None, None, weight, bias, training=True)
    np.testing.assert_allclose(y.numpy(), reference(x, gamma, beta)[0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ndim", [2, 3, 4])
@given(data=st.data(), is_affine=st.booleans())
def test_eval_forward_matches_loop_and_leaves_running_alone(xp, ndim, data, is_affine):
    x = data.draw(batches(data.draw(shapes(ndim))))
    c = x.shape[1]
    mean, var = per_channel(data.draw, c), per_channel(data.draw, c, 0.1, 3.0)
    gamma, beta, weight, bias = affine(xp, data.draw, c, is_affine)
    running_mean, running_var = xp.array(mean), xp.array(var)  # copies: the buffers are the ones checked
    y = batch_norm(tensor(xp, x), running_mean, running_var, weight, bias, training=False)
    np.testing.assert_allclose(y.numpy(), reference(x, gamma, beta, mean, var)[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(backend.to_numpy(running_mean), mean)
    np.testing.assert_array_equal(backend.to_numpy(running_var), var)


@pytest.mark.parametrize("ndim", [2, 4])
@given(data=st.data(), steps=st.integers(1, 3), momentum=st.floats(0.05, 0.95))
def test_running_statistics_follow_pytorch(xp, ndim, data, steps, momentum):
    shape = data.draw(shapes(ndim))
    c = shape[1]
    expected_mean, expected_var = per_channel(data.draw, c), per_channel(data.draw, c, 0.1, 3.0)
    running_mean, running_var = xp.array(expected_mean), xp.array(expected_var)  # copies, updated in place
    for _ in range(steps):
        x = data.draw(batches(shape))
        batch_norm(tensor(xp, x), running_mean, running_var, training=True, momentum=momentum)
        _, batch_mean, batch_var_unbiased = reference(x, None, None)
        expected_mean = (1 - momentum) * expected_mean + momentum * batch_mean
        expected_var = (1 - momentum) * expected_var + momentum * batch_var_unbiased
        np.testing.assert_allclose(backend.to_numpy(running_mean), expected_mean, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(backend.to_numpy(running_var), expected_var, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- derivatives

def train_fn(is_affine):
    """batch_norm in training mode as a function of the tensors gradcheck perturbs."""
    if is_affine:
        return lambda x, w, b: batch_norm(x, None, None, w, b, training=True)
    return lambda x: batch_norm(x, None, None, training=True)


@pytest.mark.parametrize("check", [minigan.gradcheck, minigan.gradgradcheck], ids=["first", "second"])
@pytest.mark.parametrize("ndim", [2, 4])
@pytest.mark.parametrize("is_affine", [True, False])
@given(data=st.data())
def test_train_derivatives(xp, check, ndim, is_affine, data):
    # second order fails if the backward used the cached inv_std or x_hat as constants under create_graph
    x = data.draw(batches(data.draw(shapes(ndim))))
    _, _, weight, bias = affine(xp, data.draw, x.shape[1], is_affine)
    inputs = [tensor(xp, x)] + ([weight, bias] if is_affine else [])
    check(train_fn(is_affine), inputs)


@pytest.mark.parametrize("ndim", [2, 4])
@given(data=st.data())
def test_create_graph_gives_the_same_first_derivative(xp, ndim, data):
    # the recorded backward (recomputing inv_std from x) and the fast one (cached) agree
    x = tensor(xp, data.draw(batches(data.draw(shapes(ndim)))))
    _, _, weight, bias = affine(xp, data.draw, x.shape[1], True)
    gy = Tensor(xp.asarray(data.draw(floats64(x.shape))))
    y = batch_norm(x, None, None, weight, bias, training=True)
    fast = minigan.grad(y, [x, weight, bias], gy)
    y = batch_norm(x, None, None, weight, bias, training=True)
    recorded = minigan.grad(y, [x, weight, bias], gy, create_graph=True)
    for a, b in zip(fast, recorded):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ndim", [2, 4])
@given(data=st.data())
def test_eval_gradcheck(xp, ndim, data):
    x = data.draw(batches(data.draw(shapes(ndim))))
    c = x.shape[1]
    running_mean = xp.asarray(per_channel(data.draw, c))
    running_var = xp.asarray(per_channel(data.draw, c, 0.1, 3.0))
    _, _, weight, bias = affine(xp, data.draw, c, True)
    minigan.gradcheck(lambda x, w, b: batch_norm(x, running_mean, running_var, w, b),
                      [tensor(xp, x), weight, bias])


# ---------------------------------------------------------------- errors and dtype

@pytest.mark.parametrize("shape", [(3,), (2, 3, 2, 2, 2)])
def test_rejects_wrong_number_of_dims(xp, shape):
    with pytest.raises(ValueError, match=rf"\(N, C, H, W\), got {len(shape)} dimensions"):
        batch_norm(Tensor(xp.zeros(shape)), None, None, training=True)


@pytest.mark.parametrize("name", ["running_mean", "running_var", "weight", "bias"])
def test_rejects_channel_mismatch(xp, name):
    args = {"running_mean": xp.zeros(3), "running_var": xp.ones(3),
            "weight": Tensor(xp.ones(3)), "bias": Tensor(xp.zeros(3))}
    args[name] = xp.zeros(4) if name.startswith("running") else Tensor(xp.zeros(4))
    x = Tensor(xp.ones((2, 3, 2, 2)))
    with pytest.raises(ValueError, match=rf"{name} has shape \(4,\) but the input has 3 channels"):
        batch_norm(x, args["running_mean"], args["running_var"], args["weight"], args["bias"], training=True)


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (1, 3, 1, 1)])
def test_rejects_one_value_per_channel_when_training(xp, shape):
    x = Tensor(xp.ones(shape))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training, "
                                         rf"got input of shape \({shape[0]}, 3"):
        batch_norm(x, xp.zeros(3), xp.ones(3), training=True)
    assert batch_norm(x, xp.zeros(3), xp.ones(3), training=False).shape == shape  # evaluation is fine


def test_rejects_missing_running_statistics(xp):
    x = Tensor(xp.ones((2, 3)))
    with pytest.raises(ValueError, match="evaluation mode .* needs running_mean and running_var"):
        batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match="both running_mean and running_var, or neither"):
        batch_norm(x, xp.zeros(3), None, training=True)


def test_float32_stays_float32(xp):
    f32 = np.float32
    x = Tensor(xp.asarray(np.linspace(-1, 1, 24).reshape(2, 3, 2, 2), dtype=f32), requires_grad=True)
    weight = Tensor(xp.ones(3, dtype=f32), requires_grad=True)
    bias = Tensor(xp.zeros(3, dtype=f32), requires_grad=True)
    running_mean, running_var = xp.zeros(3, dtype=f32), xp.ones(3, dtype=f32)
    y = batch_norm(x, running_mean, running_var, weight, bias, training=True)
    gx, gw, gb = minigan.grad((y * y).sum(), [x, weight, bias], create_graph=True)
    (ggx,) = minigan.grad((gx * gx).sum(), [x])
    y_eval = batch_norm(x, running_mean, running_var, weight, bias, training=False)
    for a in (y.data, gx.data, gw.data, gb.data, ggx.data, running_mean, running_var, y_eval.data):
        assert a.dtype == f32


def test_running_statistics_must_be_raw_arrays(xp):
    x = tensor(xp, np.random.default_rng(0).standard_normal((4, 3)))
    stats = [minigan.Tensor(xp.zeros(3)), minigan.Tensor(xp.ones(3))]
    with pytest.raises(TypeError, match="must be raw arrays"):
        batch_norm(x, *stats, training=True)  # a Tensor would be rebound, not updated in place
