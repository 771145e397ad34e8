"""dropout: its gradient with the mask held fixed, its keep rate and scaling, its modes and errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import minigan
from minigan import nn
from minigan.nn import functional as F
from tests.helpers import floats64, tensor


def with_mask_fixed(p, seed):
    """dropout(x, p) drawing the same mask at every call: the seed is reset before each draw."""
    def fn(x):
        minigan.manual_seed(seed)
        return F.dropout(x, p)
    return fn


@given(shape=array_shapes(max_dims=3, max_side=4), p=st.floats(0.0, 0.9), seed=st.integers(0, 100), data=st.data())
def test_dropout_gradient_with_the_mask_held_fixed(xp, shape, p, seed, data):
    a = data.draw(floats64(shape))
    x = tensor(xp, a)
    y = with_mask_fixed(p, seed)(x).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], a[kept] / (1 - p), rtol=1e-12)  # kept: scaled by 1 / (1 - p)
    minigan.gradcheck(with_mask_fixed(p, seed), [x])
    minigan.gradgradcheck(with_mask_fixed(p, seed), [x])


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_keep_rate_and_scaling_are_right_on_average(xp, p):
    n = 200_000
    y = F.dropout(minigan.ones(n, dtype="float64"), p).numpy()
    kept = y != 0
    # the fraction kept is Binomial(n, 1 - p) / n: 5 standard deviations of it, sqrt(p (1 - p) / n)
    assert abs(kept.mean() - (1 - p)) < 5 * np.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-15)
    assert abs(y.mean() - 1) < 5 * np.sqrt(p / ((1 - p) * n))  # E[y] = x: the std of y is sqrt(p / (1 - p))


def test_each_call_draws_a_new_mask_and_the_seed_repeats_it(xp):
    x = minigan.ones(1000)
    minigan.manual_seed(3)
    a, b = F.dropout(x).numpy(), F.dropout(x).numpy()
    minigan.manual_seed(3)
    assert (a != b).any()
    np.testing.assert_array_equal(F.dropout(x).numpy(), a)


def test_evaluation_mode_and_p_zero_are_the_identity(xp):
    x = minigan.randn(4, 5)
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    layer = nn.Dropout(0.3)
    assert repr(layer) == "Dropout(p=0.3)" and layer.eval()(x) is x
    assert (layer.train()(minigan.ones(1000)).numpy() == 0).any()


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, True, "0.5"])
def test_probability_outside_0_1_is_refused(xp, p):
    with pytest.raises(ValueError, match=r"dropout probability has to be in \[0, 1\)"):
        F.dropout(minigan.ones(3), p)
    with pytest.raises(ValueError, match=r"dropout probability has to be in \[0, 1\)"):
        nn.Dropout(p)


def test_integer_input_is_refused(xp):
    with pytest.raises(TypeError, match="dropout: input must be floating point, got int64"):
        F.dropout(minigan.Tensor(xp.arange(3)), 0.5)
