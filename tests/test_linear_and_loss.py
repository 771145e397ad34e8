"""linear, binary cross-entropy on logits and mean squared error."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan.nn import functional as F
from tests.helpers import floats64, tensor


@given(n=st.integers(1, 4), fin=st.integers(1, 4), fout=st.integers(1, 4), bias=st.booleans(),
       lead=st.sampled_from([(), (2,)]), data=st.data())
def test_linear(xp, n, fin, fout, bias, lead, data):
    x = data.draw(floats64(lead + (n, fin)))
    w = data.draw(floats64((fout, fin)))
    b = data.draw(floats64((fout,)))
    inputs = [tensor(xp, x), tensor(xp, w)] + ([tensor(xp, b)] if bias else [])
    expected = x @ w.T + (b if bias else 0)
    np.testing.assert_allclose(F.linear(*inputs).numpy(), expected, rtol=1e-12)
    minigan.gradcheck(F.linear, inputs)
    minigan.gradgradcheck(F.linear, inputs)


@given(n=st.integers(1, 5), fin=st.integers(1, 5), data=st.data())
def test_linear_input_gradient_with_one_output_is_the_product(xp, n, fin, data):
    """With one output, gy @ W has inner size 1, which matmul computes by broadcasting: same values."""
    x = tensor(xp, data.draw(floats64((n, fin))), requires_grad=True)
    w = tensor(xp, data.draw(floats64((1, fin))))
    gy = data.draw(floats64((n, 1)))
    (gx,) = minigan.grad(F.linear(x, w), [x], [tensor(xp, gy)])
    np.testing.assert_array_equal(gx.numpy(), gy @ w.numpy())


def test_linear_shape_errors(xp):
    x, w = tensor(xp, np.ones((2, 3))), tensor(xp, np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"input of shape \(2, 3\) does not fit weight of shape \(4, 5\)"):
        F.linear(x, w)
    with pytest.raises(ValueError, match="bias of shape"):
        F.linear(x, tensor(xp, np.ones((4, 3))), tensor(xp, np.ones(3)))


@given(shape=st.sampled_from([(1,), (5,), (3, 2)]), reduction=st.sampled_from(["mean", "sum", "none"]),
       data=st.data())
def test_bce_with_logits(xp, shape, reduction, data):
    logits = data.draw(floats64(shape, -5.0, 5.0))
    target = data.draw(floats64(shape, 0.0, 1.0))
    p = 1 / (1 + np.exp(-logits))
    expected = -(target * np.log(p) + (1 - target) * np.log(1 - p))
    expected = {"mean": expected.mean(), "sum": expected.sum(), "none": expected}[reduction]
    x, t = tensor(xp, logits), tensor(xp, target, requires_grad=False)
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(x, t, reduction).numpy(), expected, rtol=1e-10)
    minigan.gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, t, reduction), [x])
    minigan.gradgradcheck(lambda z: F.binary_cross_entropy_with_logits(z, t, reduction), [x])


def test_bce_is_exact_and_finite_for_huge_logits(xp):
    x = tensor(xp, np.array([-1000.0, 1000.0, -1000.0, 1000.0], dtype=np.float32))
    t = xp.asarray([0.0, 1.0, 1.0, 0.0], dtype="float32")
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
        loss.sum().backward()
    np.testing.assert_array_equal(loss.numpy(), [0.0, 0.0, 1000.0, 1000.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, -1.0, 1.0])  # sigmoid(x) - t


@given(shape=st.sampled_from([(1,), (4,), (2, 3)]), reduction=st.sampled_from(["mean", "sum", "none"]),
       data=st.data())
def test_mse_loss(xp, shape, reduction, data):
    a, b = data.draw(floats64(shape)), data.draw(floats64(shape))
    x, t = tensor(xp, a), tensor(xp, b)  # the target requires grad too: its gradient is checked
    reduce = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction]
    np.testing.assert_allclose(F.mse_loss(x, t, reduction).numpy(), reduce((a - b) ** 2), rtol=1e-12)
    minigan.gradcheck(lambda z, u: F.mse_loss(z, u, reduction), [x, t])
    minigan.gradgradcheck(lambda z, u: F.mse_loss(z, u, reduction), [x, t])
    minigan.gradcheck(lambda z: F.mse_loss(z, 0.5, reduction), [x])  # a number as the target


def test_mse_loss_gradient_is_the_compositions_bit_for_bit(xp):
    # the one-op mean squared error must not move the results of the runs made with
    # 0.5 ((l - 1) ** 2).mean(), LSGAN's loss before it (docs/results.md)
    # 48 logits: 1/48, unlike 1/64, is rounded, so a change in the order of the roundings shows
    logits = np.random.default_rng(0).standard_normal((48, 1)).astype(np.float32)
    x, y = tensor(xp, logits), tensor(xp, logits)
    (0.5 * F.mse_loss(x, 1.0)).backward()
    (0.5 * ((y - 1) ** 2).mean()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.grad.numpy())


def test_loss_argument_errors(xp):
    x = tensor(xp, np.zeros(3))
    with pytest.raises(ValueError, match=r"target of shape \(2,\) does not match input of shape \(3,\)"):
        F.binary_cross_entropy_with_logits(x, xp.zeros(2))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.mse_loss(x, 0.0, reduction="avg")


def test_non_tensor_inputs_get_a_named_error(xp):
    w = tensor(xp, np.ones((2, 3)))
    with pytest.raises(TypeError, match="linear: x and weight must be Tensors, got list"):
        F.linear([[1.0, 2.0, 3.0]], w)
    with pytest.raises(TypeError, match="input must be a Tensor"):
        F.binary_cross_entropy_with_logits(np.zeros(3), 1.0)
    with pytest.raises(TypeError, match="target must be a Tensor, an array or a number, got a list"):
        F.mse_loss(tensor(xp, np.zeros(3)), [1.0, 0.0, 1.0])


@pytest.mark.filterwarnings("error")  # and without NumPy's "mean of empty slice" warning
def test_an_empty_batch_has_a_nan_loss_and_an_empty_gradient(xp):
    """As in PyTorch: the mean of no numbers is NaN, and nothing receives a gradient."""
    for loss in (lambda x: x.mean(), lambda x: F.binary_cross_entropy_with_logits(x, 1.0),
                 lambda x: F.mse_loss(x, 0.5), lambda x: F.l1_loss(x, 0.5)):
        x = tensor(xp, np.zeros((0, 1), dtype=np.float32))
        y = loss(x)
        assert y.shape == () and np.isnan(minigan.to_numpy(y.data))
        y.backward()
        assert x.grad.shape == (0, 1)
    assert F.mse_loss(tensor(xp, np.zeros((0, 1))), 0.5, reduction="sum").item() == 0.0
