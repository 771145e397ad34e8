"""``BatchNorm1d`` and ``BatchNorm2d``: per-channel normalisation with learned scale and shift.

In training mode a batch is normalised with its own statistics and the running averages
are updated (in place, inside ``minigan.nn.functional.batch_norm``); in evaluation mode
(``model.eval()``) the running averages are used, so one sample's output no longer
depends on the rest of its batch.
"""

from minigan import backend
from minigan.nn import functional as F
from minigan.nn import init
from minigan.nn.modules.module import Module, check_positive_int, new_parameter


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ only in the input shapes accepted.

    Args:
        num_features: C, the number of channels (axis 1 of the input).
        eps: added to the variance so a constant channel does not divide by zero.
        momentum: weight of each new batch in the running averages, in [0, 1].
        affine: whether to learn the scale (weight, gamma) and shift (bias, beta).
        dtype: the parameters' and buffers' dtype; inputs must have it too.

    Attributes:
        weight: Parameter (C,), initialised to 1, or None when not affine.
        bias: Parameter (C,), initialised to 0, or None when not affine.
        running_mean: buffer (C,), initialised to 0.
        running_var: buffer (C,), initialised to 1 (unbiased batch variances are averaged).
    """

    shapes = ""  # the accepted input shapes, in words, for error messages
    ndims = ()   # the accepted numbers of input dimensions

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, dtype="float32"):
        super().__init__()
        name = type(self).__name__
        check_positive_int(name, num_features=num_features)
        if not eps > 0:
            raise ValueError(f"{name}: eps must be > 0, got {eps!r}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"{name}: momentum must be in [0, 1], got {momentum!r}")
        self.num_features, self.eps, self.momentum, self.affine = num_features, eps, momentum, affine
        self.weight = init.ones_(new_parameter(name, (num_features,), dtype)) if affine else None
        self.bias = init.zeros_(new_parameter(name, (num_features,), dtype)) if affine else None
        self.register_buffer("running_mean", backend.xp().zeros(num_features, dtype=dtype))
        self.register_buffer("running_var", backend.xp().ones(num_features, dtype=dtype))

    def forward(self, x):
        """y = gamma * (x - mean) / sqrt(var + eps) + beta, per channel; same shape as x."""
        C = self.num_features
        self._check_input(x, self.shapes.format(C=C), lambda s: len(s) in self.ndims and s[1] == C,
                          self.running_mean.dtype)
        if self.training and x.size <= C:
            raise ValueError(f"{self!r} expects more than 1 value per channel when training, "
                             f"received {x.shape}; use a larger batch, or model.eval()")
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            training=self.training, momentum=self.momentum, eps=self.eps)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, statistics over N (and L).

    See ``_BatchNorm`` for the arguments; DCGAN-style MLPs use it after a Linear layer.
    """

    shapes = "(N, {C}) or (N, {C}, L)"
    ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, statistics over N, H and W per channel.

    See ``_BatchNorm`` for the arguments; DCGAN uses it after most convolutions.
    """

    shapes = "(N, {C}, H, W)"
    ndims = (4,)
