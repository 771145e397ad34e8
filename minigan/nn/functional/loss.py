"""Losses on logits and on values.

Cross-entropy over C classes is ``nll_loss`` of ``log_softmax``: -log softmax(x)_t for the
class t, whose gradient is softmax(x) - onehot(t), the multi-class form of the binary case
below.

Binary cross-entropy is written on logits ``x`` (the discriminator's raw score), never on
probabilities: with p = sigmoid(x),

    -[t log p + (1 - t) log(1 - p)] = softplus(x) - t x,

because -log sigmoid(x) = softplus(-x) = softplus(x) - x. ``softplus`` is exact and finite
for any x (x = +-1000 included), whereas log(sigmoid(x)) overflows or returns log(0). Its
gradient is sigmoid(x) - t: the prediction minus the target.
"""

from minigan import backend
from minigan.autograd import Function, Tensor
from minigan.autograd.ops import sum_to
from minigan.nn.functional.activation import softplus
from minigan.nn.functional.indices import check_indices
from minigan.nn.functional.softmax import log_softmax

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
        if d.size == 0:  # the mean of no numbers: NaN, as PyTorch gives, without NumPy's warning
            return backend.get_array_module(d).full((), float("nan"), dtype=d.dtype)
        return (d * d).mean()

    def backward(self, gy):
        x, t = self.inputs
        gx = (x - t) * (gy * (2.0 / max(x.size, 1)))  # dy/dx = 2 (x - t) / n (empty when n = 0)
        return gx, (sum_to(-gx, t.shape) if self.needs_input_grad[1] else None)  # dy/dt = -dy/dx


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: (x - t)^2 elementwise, then reduced as in ``binary_cross_entropy_with_logits``."""
    _check("mse_loss", input, target, reduction)
    if reduction == "mean":
        return MeanSquaredError()(input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: |x - t| elementwise, then reduced as in ``binary_cross_entropy_with_logits``.

    Its gradient is sign(x - t): every element pulls with the same strength, however far
    off (pix2pix's reconstruction term, which blurs less than the squared error).
    """
    _check("l1_loss", input, target, reduction)
    return _reduce((input - target).abs(), reduction)


def _check_classes(name, input):
    """Raise a clear error unless ``input`` is a Tensor (N, C): one row of C class scores per sample."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: input must be a Tensor (N, C), got {type(input).__name__}")
    if input.ndim != 2:
        raise ValueError(f"{name} expects input of shape (N, C), got {input.shape}")


def nll_loss(input, target, reduction="mean"):
    """The negative log-likelihood of class indices: -input[n, target[n]] for each n, reduced.

    Args:
        input: log-probabilities (N, C) (``log_softmax`` of logits).
        target: class indices (N,), an integer Tensor or array with values in [0, C).
        reduction: ``"mean"`` (over N), ``"sum"`` or ``"none"`` (a loss (N,)).

    The pick is an indexing (``GetItem``): its gradient is -1 at each (n, target[n]), 0 elsewhere.
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"nll_loss: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    _check_classes("nll_loss", input)
    N, C = input.shape
    target = check_indices("nll_loss", target, C, input.data, what="target class")
    if target.shape != (N,):
        raise ValueError(f"nll_loss: target of shape {target.shape} does not fit input of shape "
                         f"{input.shape}; expected ({N},), one class index per row")
    rows = backend.get_array_module(input.data).arange(N)
    return _reduce(-input[rows, target], reduction)


def cross_entropy(input, target, reduction="mean"):
    """Cross-entropy of logits against class indices, as ``torch.nn.functional.cross_entropy``.

    Args:
        input: logits (N, C), any real numbers (finite and exact for +-1000).
        target: class indices (N,), integers in [0, C).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
        -log softmax(input)[n, target[n]], reduced: ``nll_loss(log_softmax(input, 1), target)``.
        The gradient of one row is softmax(input[n]) - onehot(target[n]).
    """
    _check_classes("cross_entropy", input)
    return nll_loss(log_softmax(input, 1), target, reduction)
