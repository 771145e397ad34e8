"""Softmax and log-softmax along one dimension.

    log_softmax(x)_i = x_i - log sum_j exp(x_j)
    softmax(x)_i     = exp(log_softmax(x)_i)

The forward subtracts the maximum m first (log_softmax(x) = log_softmax(x - m)), so no exp
overflows and both are finite and exact for logits of +-1000; exp(x) / sum exp(x) computed
directly would give inf / inf = nan. Subtracting m before the log, not after, keeps float32's
rounding at the scale of x - m: a row of -1000s gives -log 3, not -log 3 rounded near 1000.
"""

from minigan import backend
from minigan.autograd import Function, Tensor
from minigan.autograd.ops import dim_index
from minigan.autograd.reductions import finite_max


class LogSoftmax(Function):
    """y = log softmax(x) along ``dim``."""

    def __init__(self, dim):
        self.dim = dim

    def forward(self, x):
        xp = backend.get_array_module(x)
        shifted = x - finite_max(x, self.dim)
        return shifted - xp.log(xp.exp(shifted).sum(axis=self.dim, keepdims=True))

    def backward(self, gy):
        # dy_i/dx_j = delta_ij - softmax_j, so dL/dx_j = gy_j - softmax_j sum_i gy_i;
        # softmax = exp(y), written with the output y so that it is differentiable again
        return gy - self.output().exp() * gy.sum(axis=self.dim, keepdims=True)


def _check(name, x, dim):
    """``dim`` as an index in [0, x.ndim), after checking that x is a Tensor and dim is given."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: input must be a Tensor, got {type(x).__name__}")
    if dim is None:
        raise TypeError(f"{name} needs dim, the dimension the probabilities sum over (1 for logits (N, C))")
    return dim_index(dim, x.ndim, name)


def log_softmax(input, dim):
    """log softmax(input) along ``dim``, as ``torch.nn.functional.log_softmax``: log-probabilities.

    Args:
        input: logits of any shape, e.g. (N, C).
        dim: the dimension that sums to 1 after exp (1 for (N, C)).

    Returns:
        Tensor of ``input``'s shape.
    """
    return LogSoftmax(_check("log_softmax", input, dim))(input)


def softmax(input, dim):
    """softmax(input) along ``dim``, as ``torch.nn.functional.softmax``: probabilities that sum to 1.

    Args:
        input: logits of any shape, e.g. (N, C).
        dim: the dimension that sums to 1 (1 for (N, C)).

    Returns:
        Tensor of ``input``'s shape: exp(log_softmax(input)), whose gradient is the chain rule
        through ``Exp`` and ``LogSoftmax``.
    """
    return LogSoftmax(_check("softmax", input, dim))(input).exp()
