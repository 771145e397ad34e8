"""``ReflectionPad2d``: the mirror image of each edge added around an image."""

from minigan.nn import functional as F
from minigan.nn.modules.module import Module


class ReflectionPad2d(Module):
    """Pad (N, C, H, W) by reflecting the edge pixels (the edge itself not repeated).

    Args:
        padding: one int for all four sides, or (left, right, top, bottom); each smaller than
            the side it pads.

    Shapes: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right); (C, H, W) too.
    CycleGAN pads with it before each convolution, so no border of zeros shows in the output.
    """

    def __init__(self, padding):
        super().__init__()
        self.padding = (padding,) * 4 if isinstance(padding, int) else tuple(padding)
        if len(self.padding) != 4:
            raise ValueError(f"ReflectionPad2d: padding must be an int or (left, right, top, bottom), "
                             f"got {padding!r}")

    def forward(self, x):
        """pad(x, padding, mode="reflect")."""
        self._check_input(x, "(N, C, H, W) or (C, H, W)", lambda s: len(s) in (3, 4))
        return F.pad(x, self.padding, mode="reflect")

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"{self.padding}"
