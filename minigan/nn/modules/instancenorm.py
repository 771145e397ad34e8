"""``InstanceNorm2d``: each channel of each image standardised over its own pixels."""

from minigan.nn import functional as F
from minigan.nn import init
from minigan.nn.modules.module import Module, check_positive_int, new_parameter


class InstanceNorm2d(Module):
    """Instance normalisation of (N, C, H, W): statistics per sample and channel, over H and W.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance so a constant channel does not divide by zero.
        affine: whether to learn a scale (weight) and shift (bias) per channel; False by
            default, as in PyTorch.
        dtype: the parameters' dtype.

    The same in training and evaluation mode: PyTorch's default ``track_running_stats=False``,
    the only setting minigan has.

    Attributes:
        weight: Parameter (C,), initialised to 1, or None when not affine.
        bias: Parameter (C,), initialised to 0, or None when not affine.
    """

    def __init__(self, num_features, eps=1e-5, affine=False, dtype="float32"):
        super().__init__()
        check_positive_int("InstanceNorm2d", num_features=num_features)
        self.num_features, self.eps, self.affine = num_features, eps, affine
        self.weight = init.ones_(new_parameter("InstanceNorm2d", (num_features,), dtype)) if affine else None
        self.bias = init.zeros_(new_parameter("InstanceNorm2d", (num_features,), dtype)) if affine else None

    def forward(self, x):
        """y = gamma * (x - mean) / sqrt(var + eps) + beta, statistics per (n, c) over (H, W)."""
        self._check_input(x, f"(N, {self.num_features}, H, W)",
                          lambda s: len(s) == 4 and s[1] == self.num_features)
        return F.instance_norm(x, self.weight, self.bias, self.eps)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"{self.num_features}, eps={self.eps}, affine={self.affine}"
