"""Batch normalisation: each channel standardised over the batch, then scaled and shifted.

Notation: N batch size, C channels, L length, H, W height and width; the input is
(N, C), (N, C, L) or (N, C, H, W). The statistics of a channel are taken over every axis
but 1, that is over m = N * L or m = N * H * W values.

    mean    = (1/m) sum x                    (per channel)
    var     = (1/m) sum (x - mean)^2         (biased: the batch's own spread)
    inv_std = (var + eps)^(-1/2)
    x_hat   = (x - mean) * inv_std
    y       = gamma * x_hat + beta

The normalisation x -> x_hat is one ``Function`` (its derivative couples all m values of a
channel); the affine part is ordinary broadcast ``*`` and ``+``, whose backward passes give
dL/dgamma = sum(gy * x_hat) and dL/dbeta = sum(gy) and hand dL/dx_hat = gamma * gy on.
"""

from minigan import backend
from minigan.autograd import Function, Tensor, grad_mode


class Normalize(Function):
    """x_hat = (x - mean) / sqrt(var + eps), statistics per channel over ``axes``.

    After the call, ``mean`` and ``var`` (biased) hold the batch statistics, shape
    (1, C, 1, 1) for a 4-D input, for the running averages.
    """

    def __init__(self, axes, eps):
        self.axes, self.eps = axes, eps

    def forward(self, x):
        self.mean = x.mean(axis=self.axes, keepdims=True)
        xc = x - self.mean
        self.var = (xc * xc).mean(axis=self.axes, keepdims=True)
        self.inv_std = (self.var + self.eps) ** -0.5
        return xc * self.inv_std

    def backward(self, gy):
        # gy is dL/dx_hat (gamma * dL/dy when an affine part follows). Each x_i moves its
        # channel's mean and var, so every x_hat of the channel depends on it; summing those
        # paths gives, with means over the m values of the channel,
        #   dL/dx = inv_std * (gy - mean(gy) - x_hat * mean(gy * x_hat)).
        (x,) = self.inputs
        # x_hat is the output Tensor, not its cached array: under create_graph its uses are
        # recorded and differentiate back through this Function (as exp's backward uses y)
        x_hat = self.output()
        if grad_mode.is_grad_enabled():
            # create_graph=True: this backward is recorded to be differentiated again. inv_std
            # depends on x; the cached array would enter the graph as a constant and silently
            # drop every d(inv_std)/dx term from the second derivative (DeZero's trap), so
            # rebuild it from x with differentiable ops.
            xc = x - x.mean(axis=self.axes, keepdims=True)
            inv_std = ((xc * xc).mean(axis=self.axes, keepdims=True) + self.eps) ** -0.5
        else:
            inv_std = self.inv_std  # nothing is recorded: the cached array, same value, cheaper
        gy_mean = gy.mean(axis=self.axes, keepdims=True)  # via the mean: dmean/dx_i = 1/m
        gy_xhat_mean = (gy * x_hat).mean(axis=self.axes, keepdims=True)  # via var: dvar/dx_i = 2(x_i - mean)/m
        return (gy - gy_mean - x_hat * gy_xhat_mean) * inv_std  # dL/dx, the formula above


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalisation of ``x`` per channel (axis 1), as ``torch.nn.functional.batch_norm``.

    Args:
        x: Tensor (N, C), (N, C, L) or (N, C, H, W).
        running_mean, running_var: raw backend arrays (C,), the module's buffers, or both
            ``None`` (only when training: then nothing is tracked).
        weight, bias: Tensors (C,), gamma and beta, or ``None`` (no scale / no shift).
        training: normalise with the batch's statistics and update the running ones in
            place; otherwise normalise with the running statistics.
        momentum: weight of the new batch in the running averages.
        eps: added to the variance so a constant channel does not divide by zero.

    Returns:
        Tensor of ``x``'s shape and dtype.

    Notes:
        Training: y = gamma * (x - mean) / sqrt(var + eps) + beta with the batch's mean and
        biased variance (over m values per channel), and, as PyTorch does,
        running = (1 - momentum) * running + momentum * batch statistic, where the running
        variance takes the unbiased batch variance var * m / (m - 1).
        Evaluation: the same map with the running statistics, an affine map of x.
    """
    _check(x, running_mean, running_var, weight, bias, training)
    channels = (1, x.shape[1]) + (1,) * (x.ndim - 2)  # per-channel values broadcast as (1, C, 1, 1)
    if training:
        normalize = Normalize((0,) + tuple(range(2, x.ndim)), eps)
        x_hat = normalize(x)
        if running_mean is not None:
            m = x.size // x.shape[1]
            _update_running(running_mean, normalize.mean, momentum)
            _update_running(running_var, normalize.var * (m / (m - 1)), momentum)  # unbiased
    else:
        inv_std = (running_var.reshape(channels) + eps) ** -0.5  # a constant: not learned
        x_hat = (x - running_mean.reshape(channels)) * inv_std
    return affine(x_hat, weight, bias)


def affine(x_hat, weight, bias):
    """y = gamma * x_hat + beta per channel (axis 1), either skipped when None.

    Ordinary broadcast ``*`` and ``+``: their backward passes give dL/dgamma = sum(gy * x_hat),
    dL/dbeta = sum(gy) and dL/dx_hat = gamma * gy.
    """
    channels = (1, x_hat.shape[1]) + (1,) * (x_hat.ndim - 2)  # gamma, beta (C,) broadcast as (1, C, 1, 1)
    y = x_hat
    if weight is not None:
        y = y * weight.reshape(channels)
    if bias is not None:
        y = y + bias.reshape(channels)
    return y


def _update_running(running, batch, momentum):
    """running = (1 - momentum) * running + momentum * batch, in place on the buffer."""
    running *= 1 - momentum
    running += momentum * batch.reshape(running.shape)


def _check(x, running_mean, running_var, weight, bias, training):
    """Raise a clear error for an input that ``batch_norm`` cannot normalise."""
    if not isinstance(x, Tensor):
        raise TypeError(f"batch_norm expects x to be a Tensor, got {type(x).__name__}")
    if not 2 <= x.ndim <= 4:
        raise ValueError(f"batch_norm expects an input of shape (N, C), (N, C, L) or (N, C, H, W), "
                         f"got {x.ndim} dimensions (shape {x.shape})")
    if isinstance(running_mean, Tensor) or isinstance(running_var, Tensor):
        raise TypeError("batch_norm: running_mean and running_var must be raw arrays (a module's "
                        "buffers), updated in place; pass tensor.data, not a Tensor")
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm needs both running_mean and running_var, or neither")
    if running_mean is None and not training:
        raise ValueError("batch_norm in evaluation mode (training=False) needs running_mean "
                         "and running_var")
    given = {"running_mean": running_mean, "running_var": running_var, "weight": weight, "bias": bias}
    for name, value in given.items():
        if value is not None and value.shape != (x.shape[1],):
            raise ValueError(f"batch_norm: {name} has shape {value.shape} but the input has "
                             f"{x.shape[1]} channels (input shape {x.shape}); expected ({x.shape[1]},)")
    if running_mean is not None:
        backend.get_array_module(x.data, running_mean, running_var)  # raises on a NumPy/CuPy mix
    if training and x.size // x.shape[1] <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input of "
                         f"shape {x.shape}")
