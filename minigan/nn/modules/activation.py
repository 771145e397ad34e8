"""Elementwise activation layers: each one calls its function in ``minigan.nn.functional``."""

from minigan.nn import functional as F
from minigan.nn.modules.module import Module


class _Activation(Module):
    """An elementwise activation with no parameters; subclasses set ``function``."""

    function = None  # a staticmethod wrapping the function of minigan.nn.functional

    def forward(self, x):
        """y = f(x), same shape as x."""
        self._check_input(x, "(*) (any shape)", lambda s: True)
        return self.function(x)


class ReLU(_Activation):
    """y = max(x, 0)."""

    function = staticmethod(F.relu)


class Tanh(_Activation):
    """y = tanh(x), in (-1, 1): the DCGAN generator's output for images scaled to [-1, 1]."""

    function = staticmethod(F.tanh)


class Sigmoid(_Activation):
    """y = 1 / (1 + exp(-x)), in (0, 1)."""

    function = staticmethod(F.sigmoid)


class LeakyReLU(Module):
    """y = x for x > 0, ``negative_slope * x`` otherwise (DCGAN's discriminator uses 0.2).

    Args:
        negative_slope: the slope for negative inputs.
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        """y = leaky_relu(x), same shape as x."""
        self._check_input(x, "(*) (any shape)", lambda s: True)
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"negative_slope={self.negative_slope}"
