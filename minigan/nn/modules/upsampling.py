"""``Upsample``: nearest-neighbour upsampling by a whole factor, as a layer."""

from minigan.nn import functional as F
from minigan.nn.modules.module import Module


class Upsample(Module):
    """Repeat each pixel into a block: (N, C, H, W) -> (N, C, H s, W s).

    Args:
        size: the output's spatial size (a whole multiple of the input's), or
        scale_factor: s, an int (or one per spatial dimension).
        mode: ``"nearest"``, the only mode.

    A generator built as "upsample, then convolve" avoids the checkerboard pattern that
    strided transposed convolutions can leave.
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest"):
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode

    def forward(self, x):
        """interpolate(x, size, scale_factor, mode)."""
        return F.interpolate(x, self.size, self.scale_factor, self.mode)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        given = f"size={self.size}" if self.scale_factor is None else f"scale_factor={self.scale_factor}"
        return f"{given}, mode='{self.mode}'"
