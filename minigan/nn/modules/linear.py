"""``Linear``: the fully connected layer, y = x W^T + b."""

from minigan.nn import functional as F
from minigan.nn import init
from minigan.nn.modules.module import Module, check_positive_int, new_parameter


class Linear(Module):
    """A fully connected layer: y = x W^T + b.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: whether to learn the additive bias b.
        dtype: the parameters' dtype; inputs must have it too.

    Shapes: x (N, in_features) or (*, in_features) -> y (N, out_features) or (*, out_features).

    Attributes:
        weight: Parameter (out_features, in_features), PyTorch's layout, initialised
            from U(-k, k) with k = 1 / sqrt(in_features).
        bias: Parameter (out_features,) from the same U(-k, k), or None.
    """

    def __init__(self, in_features, out_features, bias=True, dtype="float32"):
        super().__init__()
        check_positive_int("Linear", in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = in_features, out_features
        self.weight = new_parameter("Linear", (out_features, in_features), dtype)
        self.bias = new_parameter("Linear", (out_features,), dtype) if bias else None
        init.default_uniform_(self.weight, self.bias)

    def forward(self, x):
        """y = x W^T + b for x (*, in_features)."""
        self._check_input(x, f"(*, {self.in_features})",
                          lambda s: len(s) >= 1 and s[-1] == self.in_features, self.weight.dtype)
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """y = x: a placeholder layer (a head switched off, a skipped normalisation).

    Any arguments are accepted and ignored, as in PyTorch, so ``Identity(64)`` can stand in
    for ``BatchNorm2d(64)``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        """x itself."""
        return x
