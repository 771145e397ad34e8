"""Losses on logits and on values.

Binary cross-entropy is written on logits ``x`` (the discriminator's raw score), never on
probabilities: with p = sigmoid(x),

    -[t log p + (1 - t) log(1 - p)] = softplus(x) - t x,

because -log sigmoid(x) = softplus(-x) = softplus(x) - x. ``softplus`` is exact and finite
for any x (x = +-1000 included), whereas log(sigmoid(x)) overflows or returns log(0). Its
gradient is sigmoid(x) - t: the prediction minus the target.
"""

from minigan.autograd import Function, Tensor
from minigan.autograd.ops import sum_to
from minigan.nn.functional.activation import softplus

REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check(name, x, target, reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: input must be a Tensor (the logits), got {type(x).__name__}")
    if isinstance(target, (list, tuple)):
        raise TypeError(f"{name}: target must be a Tensor, an array or a number, got a {type(target).__name__}")
    shape = getattr(target, "shape", ())
    if shape not in ((), x.shape):
        raise ValueError(f"{name}: target of shape {tuple(shape)} does not match input of shape {x.shape}")


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Binary cross-entropy of logits ``input`` against targets ``target`` in [0, 1].

    ``loss = softplus(x) - t x`` elementwise (see the module docstring), then averaged
    (``reduction="mean"``), summed (``"sum"``) or kept (``"none"``). ``target`` is a tensor
    of ``input``'s shape or a number (1 for "real", 0 for "fake").
    """
    _check("binary_cross_entropy_with_logits", input, target, reduction)
    return _reduce(softplus(input) - target * input, reduction)


class MeanSquaredError(Function):
    """y = mean((x - t)^2) over all n elements (t broadcast to x's shape).

    One op with its own backward rather than a subtraction, a square and a mean: LSGAN's
    losses take it on 64 or 128 logits in the Gaussian-mixture demo, where each op's fixed
    cost outweighs its arithmetic, and this is 4 ops forward and back instead of 12.
    """

    def forward(self, x, t):
        d = x - t
        return (d * d).mean()

    def backward(self, gy):
        x, t = self.inputs
        gx = (x - t) * (gy * (2.0 / x.size))  # dy/dx = 2 (x - t) / n
        return gx, (sum_to(-gx, t.shape) if self.needs_input_grad[1] else None)  # dy/dt = -dy/dx


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: (x - t)^2 elementwise, then reduced as in ``binary_cross_entropy_with_logits``."""
    _check("mse_loss", input, target, reduction)
    if reduction == "mean":
        return MeanSquaredError()(input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)
