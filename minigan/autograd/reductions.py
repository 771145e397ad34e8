"""Reductions that pick or soften a maximum: ``max``, ``min`` and ``logsumexp``.

A maximum is one of its inputs, so its gradient goes to the element that was picked, and
none to the rest. ``logsumexp`` is the smooth maximum log sum_i exp(x_i); its gradient is
the softmax of x, a weight on every element that sums to 1.
"""

from collections import namedtuple

from minigan import backend
from minigan.autograd.function import Function
from minigan.autograd.ops import broadcast_to, dim_index, dims_tuple, kept_shape
from minigan.autograd.tensor import Tensor

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])
ValuesIndices.__doc__ = "What ``max(dim)`` and ``min(dim)`` return, as PyTorch's: the values and their indices."


class Extremum(Function):
    """y = the largest (or, ``largest=False``, the smallest) element of x along ``dim``, or of
    all of x when ``dim`` is None.

    Which element gets the gradient, as in PyTorch: along a dim, the one whose index is
    returned (the first of tied ones); over all of x, every tied element an equal share.
    """

    def __init__(self, dim, keepdim, largest):
        self.dim, self.keepdim, self.largest = dim, keepdim, largest

    def forward(self, x):
        xp = backend.get_array_module(x)
        if self.dim is None:
            return x.max() if self.largest else x.min()
        arg = (xp.argmax if self.largest else xp.argmin)(x, axis=self.dim)
        self.indices = xp.expand_dims(arg, self.dim)  # kept for the backward (and returned by max(dim))
        y = xp.take_along_axis(x, self.indices, axis=self.dim)
        return y if self.keepdim else y.squeeze(self.dim)

    def backward(self, gy):
        (x,) = self.inputs
        xp = backend.get_array_module(x.data)
        if self.dim is None:
            picked = (x.data == self.output().data).astype(gy.dtype)
            picked /= picked.sum()  # k tied extremes: each gets 1/k
            axes = tuple(range(x.ndim))
        else:
            # each element's index along dim, shaped to broadcast against the kept indices
            positions = xp.arange(x.shape[self.dim]).reshape((1,) * self.dim + (-1,) + (1,) * (x.ndim - 1 - self.dim))
            picked = (positions == self.indices).astype(gy.dtype)  # 1 at the returned index, 0 elsewhere
            axes = (self.dim,)
        # dy/dx_i = 1 for the picked x_i, 0 for the others
        return broadcast_to(gy.reshape(kept_shape(x.shape, axes)), x.shape) * picked


def _extremum(name, largest, x, dim, keepdim):
    """``max`` or ``min``: a Tensor over all of ``x``, or (values, indices) along ``dim``."""
    if isinstance(dim, Tensor):
        raise TypeError(f"{name}(dim) takes an int; for the elementwise {name}imum of two tensors use "
                        f"minigan.{name}imum")
    if x.size == 0:
        raise ValueError(f"{name}() of an empty tensor (shape {x.shape}) has no value")
    if dim is None:
        return Extremum(None, False, largest)(x)
    f = Extremum(dim_index(dim, x.ndim, name), keepdim, largest)
    values = f(x)
    indices = f.indices if keepdim else f.indices.squeeze(f.dim)
    return ValuesIndices(values, Tensor(indices))


def max(x, dim=None, keepdim=False):
    """The largest element of ``x``, as ``torch.max``.

    Args:
        x: Tensor.
        dim: None for the largest of all elements, or the dimension to reduce.
        keepdim: keep ``dim`` as a dimension of size 1.

    Returns:
        With ``dim=None``, a 0-d Tensor (tied maxima share the gradient equally). With a
        ``dim``, ``(values, indices)``: the maxima along ``dim`` and their integer indices
        (the first of tied ones, which alone receives the gradient).
    """
    return _extremum("max", True, x, dim, keepdim)


def min(x, dim=None, keepdim=False):
    """The smallest element of ``x``, as ``torch.min``; arguments and ties as in ``max``."""
    return _extremum("min", False, x, dim, keepdim)


def finite_max(x, axes):
    """The maximum of the array ``x`` over ``axes`` (kept as size 1), with 0 where it is not finite.

    log sum exp(x) = m + log sum exp(x - m) for any m; with m the maximum no exp overflows.
    A row that is all -inf (every logit masked) takes m = 0, so it gives -inf, not -inf - -inf = nan.
    """
    xp = backend.get_array_module(x)
    m = x.max(axis=axes, keepdims=True)
    return xp.where(xp.isfinite(m), m, 0)


class LogSumExp(Function):
    """y = log sum_i exp(x_i) over the axes ``axes``."""

    def __init__(self, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim

    def forward(self, x):
        xp = backend.get_array_module(x)
        m = finite_max(x, self.axes)
        y = xp.log(xp.exp(x - m).sum(axis=self.axes, keepdims=True)) + m
        return y if self.keepdim else y.squeeze(self.axes)

    def backward(self, gy):
        (x,) = self.inputs
        kept = kept_shape(x.shape, self.axes)
        y = self.output().reshape(kept)
        # dy/dx_i = exp(x_i) / sum_j exp(x_j) = exp(x_i - y): the softmax, written with y so
        # that it is differentiable again
        return broadcast_to(gy.reshape(kept), x.shape) * (x - y).exp()


def logsumexp(x, dim, keepdim=False):
    """log sum exp(x) over ``dim`` (an int or a tuple of ints), computed without overflow, as
    ``torch.logsumexp``: a smooth maximum, which log_softmax and cross_entropy are built on.

    Returns a Tensor of ``x``'s shape without ``dim`` (size 1 there with ``keepdim``).
    """
    return LogSumExp(dims_tuple(dim, x.ndim, "logsumexp"), keepdim)(x)


Tensor.max, Tensor.min, Tensor.logsumexp = max, min, logsumexp
