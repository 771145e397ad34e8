"""gradcheck and gradgradcheck catch wrong derivatives, and say where."""

import numpy as np
import pytest

import minigan
from minigan import Function, GradcheckError
from tests.helpers import tensor


class WrongScale(Function):
    """y = x with a backward that doubles: wrong everywhere."""

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy * 2.0


class RightOnlyUnderSum(Function):
    """y = x with a backward that averages gy: right when gy is all ones, wrong otherwise."""

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy * 0.0 + gy.mean()


class ConstantCache(Function):
    """y = x^2 whose backward uses x as a cached constant: first derivative right, second wrong."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, gy):
        return gy * (2.0 * self.x)  # 2x as a raw array: invisible to a second backward


def test_gradcheck_names_the_worst_element(xp):
    x = tensor(xp, np.array([[1.0, -3.0], [0.5, 2.0]]))
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(2, 2\)\) is wrong at index \(\d, \d\): analytic"):
        minigan.gradcheck(lambda t: WrongScale()(t), [x])


def test_random_upstream_gradient_catches_what_a_sum_hides(xp):
    x = tensor(xp, np.array([1.0, 2.0, 3.0]))
    (g,) = minigan.grad(RightOnlyUnderSum()(x).sum(), [x])  # under a plain sum it looks right
    np.testing.assert_allclose(g.numpy(), [1.0, 1.0, 1.0])
    with pytest.raises(GradcheckError):
        minigan.gradcheck(lambda t: RightOnlyUnderSum()(t), [x])


def test_gradgradcheck_catches_a_cached_constant(xp):
    x = tensor(xp, np.array([1.0, -2.0]))
    minigan.gradcheck(lambda t: ConstantCache()(t), [x])  # first order is right
    with pytest.raises(GradcheckError):
        minigan.gradgradcheck(lambda t: ConstantCache()(t), [x])
    minigan.gradgradcheck(lambda t: t * t, [x])  # the same function from differentiable ops passes


def test_gradcheck_input_errors(xp):
    with pytest.raises(TypeError, match="float64"):
        minigan.gradcheck(lambda t: t * 2.0, [minigan.Tensor(xp.ones(2, dtype="float32"), requires_grad=True)])
    with pytest.raises(ValueError, match="no input requires grad"):
        minigan.gradcheck(lambda t: t * 2.0, [tensor(xp, np.ones(2), requires_grad=False)])


def test_gradcheck_restores_the_inputs(xp):
    a = np.array([0.3, -0.7])
    x = tensor(xp, a)
    minigan.gradcheck(lambda t: t.exp(), [x])
    np.testing.assert_array_equal(x.numpy(), a)
