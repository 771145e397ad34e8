"""Elementwise choices: ``where``, ``maximum``, ``minimum``, ``clamp``, and the comparisons
that make their conditions (``x > 0`` is a boolean Tensor).

Each output element is one of its inputs' elements, chosen by a comparison. The choice is a
constant of the backward (a comparison has no derivative), so each gradient is ``gy`` routed
to the chosen input: dy/dx is 1 for the element picked and 0 for the others, and the second
derivative is exactly 0 away from ties.
"""

import math
import numbers

from minigan import backend
from minigan.autograd.function import Function
from minigan.autograd.ops import sum_to
from minigan.autograd.tensor import Tensor


def _raw(value):
    """The array behind a Tensor, or ``value`` itself (an array or a number)."""
    return value.data if isinstance(value, Tensor) else value


class Where(Function):
    """y = x0 where ``condition``, else x1 (broadcasting the three together)."""

    def __init__(self, condition):
        self.condition = condition

    def forward(self, x0, x1):
        return backend.get_array_module(self.condition, x0, x1).where(self.condition, x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = sum_to(where(self.condition, gy, 0.0), x0.shape) if need0 else None  # dy/dx0 = 1[condition]
        gx1 = sum_to(where(self.condition, 0.0, gy), x1.shape) if need1 else None  # dy/dx1 = 1[not condition]
        return gx0, gx1


class _Pick(Function):
    """y = the larger (``Maximum``) or smaller (``Minimum``) of x0 and x1, elementwise.

    A tie sends half of ``gy`` to each input, as PyTorch does: the gradient of a symmetric
    choice between two equal values.
    """

    ufunc = ""  # "maximum" or "minimum"

    def forward(self, x0, x1):
        return getattr(backend.get_array_module(x0, x1), self.ufunc)(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        won, tied = self.wins(x0.data, x1.data)
        w0 = (won.astype(gy.dtype) + tied.astype(gy.dtype)) * 0.5  # dy/dx0: 1 where x0 won, 1/2 at a tie
        gx0 = sum_to(gy * w0, x0.shape) if need0 else None  # dL/dx0 = dL/dy dy/dx0
        gx1 = sum_to(gy * (1 - w0), x1.shape) if need1 else None  # dy/dx1 = 1 - dy/dx0
        return gx0, gx1


class Maximum(_Pick):
    """y = max(x0, x1) elementwise (broadcasting)."""

    ufunc = "maximum"

    @staticmethod
    def wins(x0, x1):
        """Where x0 is strictly larger, and where it is at least as large (a tie or a win)."""
        return x0 > x1, x0 >= x1


class Minimum(_Pick):
    """y = min(x0, x1) elementwise (broadcasting)."""

    ufunc = "minimum"

    @staticmethod
    def wins(x0, x1):
        """Where x0 is strictly smaller, and where it is at most as large (a tie or a win)."""
        return x0 < x1, x0 <= x1


class Clamp(Function):
    """y = x limited to [low, high] (either may be infinite)."""

    def __init__(self, low, high):
        self.low, self.high = low, high

    def forward(self, x):
        return backend.get_array_module(x).clip(x, self.low, self.high)

    def backward(self, gy):
        (x,) = self.inputs
        inside = (x.data >= self.low) & (x.data <= self.high)
        return gy * inside.astype(gy.dtype)  # dy/dx = 1 inside [low, high] (edges included, as PyTorch), else 0


def where(condition, input, other):
    """``input`` where ``condition`` is true, ``other`` elsewhere, as ``torch.where``.

    Args:
        condition: a boolean Tensor or array (``x > 0``), broadcastable with the others.
        input, other: Tensors, arrays or numbers (at least one a Tensor).

    Returns:
        Tensor of the broadcast shape. The gradient reaches ``input`` where the condition
        holds and ``other`` where it does not.
    """
    condition = _raw(condition)
    if getattr(condition, "dtype", None) is None or condition.dtype.kind != "b":
        kind = getattr(condition, "dtype", type(condition).__name__)
        raise TypeError(f"where: condition must be a boolean Tensor or array (such as x > 0), got {kind}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("where: input or other must be a Tensor")
    return Where(condition)(input, other)


def maximum(input, other):
    """The elementwise maximum of two tensors (broadcasting), as ``torch.maximum``; a tie
    splits the gradient equally between them."""
    return Maximum()(input, other)


def minimum(input, other):
    """The elementwise minimum of two tensors (broadcasting), as ``torch.minimum``; a tie
    splits the gradient equally between them."""
    return Minimum()(input, other)


def clamp(input, min=None, max=None):
    """``input`` with every element limited to [min, max], as ``torch.clamp``.

    ``min`` and ``max`` are numbers, either may be None (no limit on that side), not both.
    The gradient passes where min <= x <= max (the edges included) and is 0 elsewhere.
    """
    for name, bound in (("min", min), ("max", max)):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, numbers.Real)):
            raise TypeError(f"clamp: {name} must be a number or None, got {type(bound).__name__}; "
                            "for a tensor bound use minigan.maximum / minigan.minimum")
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return Clamp(-math.inf if min is None else float(min), math.inf if max is None else float(max))(input)


def _comparison(name):
    """The Tensor operator ``name`` (``"__gt__"``...): a boolean Tensor, a condition that carries no gradient."""
    def compare(x, other):
        return Tensor(getattr(x.data, name)(_raw(other)))
    compare.__name__ = name
    return compare


def _where_method(x, condition, other):
    """``x`` where ``condition`` holds, else ``other``: ``minigan.where(condition, x, other)``."""
    return where(condition, x, other)


# == and != are left out: the engine keys gradients by tensor, which needs a Tensor's == to be
# identity, as Python's default is
for _name in ("__lt__", "__le__", "__gt__", "__ge__"):
    setattr(Tensor, _name, _comparison(_name))
Tensor.where, Tensor.maximum, Tensor.minimum, Tensor.clamp = _where_method, maximum, minimum, clamp
