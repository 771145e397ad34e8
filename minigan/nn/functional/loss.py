"""Losses on logits and on values.

Binary cross-entropy is written on logits ``x`` (the discriminator's raw score), never on
probabilities: with p = sigmoid(x),

    -[t log p + (1 - t) log(1 - p)] = softplus(x) - t x,

because -log sigmoid(x) = softplus(-x) = softplus(x) - x. ``softplus`` is exact and finite
for any x (x = +-1000 included), whereas log(sigmoid(x)) overflows or returns log(0). Its
gradient is sigmoid(x) - t: the prediction minus the target.
"""

from minigan.autograd import Tensor
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


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: (x - t)^2 elementwise, then reduced as in ``binary_cross_entropy_with_logits``."""
    _check("mse_loss", input, target, reduction)
    diff = input - target
    return _reduce(diff * diff, reduction)
