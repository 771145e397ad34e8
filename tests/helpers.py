"""Strategies and helpers shared by the tests."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from minigan import Tensor


def floats64(shape, low=-2.0, high=2.0):
    """A strategy for float64 arrays of ``shape`` with elements in [low, high]."""
    return arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False, width=64))


def away_from_zero(a, margin=0.1):
    """``a`` moved at least ``margin`` away from 0, so ReLU-like kinks stay out of finite differences."""
    return np.where(a >= 0, a + margin, a - margin)


def tensor(xp, a, requires_grad=True):
    """A Tensor holding the NumPy array ``a`` on the backend of ``xp``."""
    return Tensor(xp.asarray(a), requires_grad=requires_grad)
