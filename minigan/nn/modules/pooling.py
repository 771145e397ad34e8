"""``AvgPool2d``: the mean of each window, as a layer."""

from minigan.nn import functional as F
from minigan.nn.modules.module import Module


class AvgPool2d(Module):
    """2-D average pooling.

    Args:
        kernel_size: (KH, KW) or one int.
        stride: (SH, SW) or one int; None (the default) is the kernel size.
        padding: (PH, PW) or one int: zeros on each side, counted in the average.

    Shapes: (N, C, H, W) -> (N, C, OH, OW), OH = (H + 2 PH - KH) // SH + 1.
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, kernel_size if stride is None else stride, padding

    def forward(self, x):
        """avg_pool2d(x, kernel_size, stride, padding)."""
        self._check_input(x, "(N, C, H, W)", lambda s: len(s) == 4)
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
