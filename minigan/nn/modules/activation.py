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


class _ScalarActivation(Module):
    """An elementwise activation with one number as its setting; subclasses set ``setting``
    (its name, as PyTorch's argument) and ``function``, called as ``function(x, value)``."""

    setting, function = "", None

    def __init__(self, value):
        super().__init__()
        setattr(self, self.setting, value)

    def forward(self, x):
        """y = f(x), same shape as x."""
        self._check_input(x, "(*) (any shape)", lambda s: True)
        return self.function(x, getattr(self, self.setting))

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"{self.setting}={getattr(self, self.setting)}"


class LeakyReLU(_ScalarActivation):
    """y = x for x > 0, ``negative_slope * x`` otherwise (DCGAN's discriminator uses 0.2).

    Args:
        negative_slope: the slope for negative inputs.
    """

    setting, function = "negative_slope", staticmethod(F.leaky_relu)

    def __init__(self, negative_slope=0.01):
        super().__init__(negative_slope)


class ELU(_ScalarActivation):
    """y = x for x > 0, ``alpha * (exp(x) - 1)`` otherwise: smooth, and saturating at -alpha.

    Args:
        alpha: the magnitude of the negative saturation.
    """

    setting, function = "alpha", staticmethod(F.elu)

    def __init__(self, alpha=1.0):
        super().__init__(alpha)


class Softmax(Module):
    """y = softmax(x) along ``dim``: probabilities that sum to 1 over that dimension.

    Args:
        dim: the dimension normalised (1 for class logits (N, C)).

    For a loss, give the logits to ``cross_entropy`` instead: it is exact for any logit.
    """

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        """softmax(x, dim), same shape as x."""
        self._check_input(x, f"with a dimension {self.dim}", lambda s: -len(s) <= self.dim < len(s))
        return F.softmax(x, self.dim)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"dim={self.dim}"
