"""Activations: values, first and second derivatives, stability for large inputs."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import minigan
from minigan.nn import functional as F
from tests.helpers import away_from_zero, floats64, tensor

# name -> (function, NumPy reference, whether it has a kink at 0)
ACTIVATIONS = {
    "relu": (F.relu, lambda a: np.maximum(a, 0), True),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda a: np.where(a > 0, a, 0.2 * a), True),
    "tanh": (F.tanh, np.tanh, False),
    "sigmoid": (F.sigmoid, lambda a: 1 / (1 + np.exp(-a)), False),
    "softplus": (F.softplus, lambda a: np.log1p(np.exp(a)), False),
}


@given(name=st.sampled_from(sorted(ACTIVATIONS)), shape=array_shapes(max_dims=3, max_side=4), data=st.data())
def test_activation_values_and_derivatives(xp, name, shape, data):
    fn, ref, kink = ACTIVATIONS[name]
    a = data.draw(floats64(shape, -3.0, 3.0))
    if kink:
        a = away_from_zero(a)
    x = tensor(xp, a)
    np.testing.assert_allclose(fn(x).numpy(), ref(a), rtol=1e-12, atol=1e-12)
    minigan.gradcheck(fn, [x])
    minigan.gradgradcheck(fn, [x])


def test_leaky_relu_default_slope_is_pytorchs(xp):
    x = tensor(xp, np.array([-2.0, 3.0]))
    np.testing.assert_allclose(F.leaky_relu(x).numpy(), [-0.02, 3.0])


def test_sigmoid_and_softplus_are_finite_for_huge_inputs(xp):
    a = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=np.float32)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # a warning would raise
        s = F.sigmoid(tensor(xp, a, requires_grad=False)).numpy()
        p = F.softplus(tensor(xp, a, requires_grad=False)).numpy()
    np.testing.assert_allclose(s, [0.0, 1.9287498e-22, 0.5, 1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(p, [0.0, 1.9287498e-22, np.log(2.0), 50.0, 1000.0], rtol=1e-6)
    assert s.dtype == np.float32 and p.dtype == np.float32
