"""Dropout: each element kept with probability 1 - p, and scaled by 1 / (1 - p) when kept.

    y = x * m / (1 - p),   m_i ~ Bernoulli(1 - p), drawn fresh at every call

The scaling ("inverted" dropout, as PyTorch) keeps E[y] = x, so evaluation mode is the
identity. Given the mask, y is linear in x: dL/dx = dL/dy * m / (1 - p), an ordinary ``Mul``
by a constant, whose second derivative is exactly 0.
"""

import numbers

from minigan import backend
from minigan.autograd import Tensor


def check_probability(p):
    """``p`` itself, once checked to be a number in [0, 1): a dropout probability."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
        raise ValueError(f"dropout probability has to be in [0, 1), got {p!r}")
    return p


def dropout(input, p=0.5, training=True):
    """Zero each element of ``input`` with probability ``p`` and scale the rest by 1 / (1 - p),
    as ``torch.nn.functional.dropout``; ``input`` itself when not ``training`` or ``p == 0``.

    Args:
        input: a floating Tensor of any shape.
        p: the probability of dropping an element, in [0, 1).
        training: whether to drop; False (evaluation) returns ``input``.

    The mask is drawn from minigan's seeded generator (``minigan.manual_seed``).
    """
    check_probability(p)
    if not isinstance(input, Tensor):
        raise TypeError(f"dropout: input must be a Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(f"dropout: input must be floating point, got {input.dtype}")
    if not training or p == 0:
        return input
    generator = backend.rng(backend.get_array_module(input.data))  # on the input's backend
    u = generator.random(input.shape, dtype=input.dtype)  # U(0, 1): u >= p with probability 1 - p
    mask = (u >= p).astype(input.dtype)
    mask *= 1.0 / (1.0 - p)  # m / (1 - p), in place, in the input's dtype
    return input * mask
