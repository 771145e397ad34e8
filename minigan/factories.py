"""Tensors made from nothing (noise, constants), on the selected backend.

Random ones draw from the backend's seeded generator (``minigan.manual_seed``).
"""

from minigan import backend
from minigan.autograd import Tensor


def _shape(shape):
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def randn(*shape, dtype="float32", requires_grad=False):
    """A tensor of standard-normal samples, e.g. the generator's noise ``z``."""
    data = backend.rng().standard_normal(_shape(shape), dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def rand(*shape, dtype="float32", requires_grad=False):
    """A tensor of samples uniform on [0, 1)."""
    data = backend.rng().random(_shape(shape), dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def zeros(*shape, dtype="float32", requires_grad=False):
    """A tensor of zeros."""
    return Tensor(backend.xp().zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape, dtype="float32", requires_grad=False):
    """A tensor of ones."""
    return Tensor(backend.xp().ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)
