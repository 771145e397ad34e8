"""``Conv2d`` and ``ConvTranspose2d``: the layers that hold a convolution's filters.

A DCGAN discriminator downsamples with strided ``Conv2d``; its generator upsamples with
strided ``ConvTranspose2d``, the adjoint of a convolution. The math is in
``minigan.nn.functional.conv``.
"""

from minigan.nn import functional as F
from minigan.nn import init
from minigan.nn.modules.module import Module, check_positive_int, new_parameter


def _pair(layer, name, value, minimum):
    """``value`` (an int or a pair of ints, each >= minimum) as a pair (vertical, horizontal)."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    ok = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum  # noqa: E731
    if len(pair) != 2 or not all(ok(v) for v in pair):
        raise ValueError(f"{layer}: {name} must be an int or a pair of ints >= {minimum}, got {value!r}")
    return pair


class _ConvNd(Module):
    """What Conv2d and ConvTranspose2d share: settings, parameters, input checks, repr.

    As in PyTorch, Conv2d keeps an ``output_padding`` of (0, 0) too.

    ``weight_shape`` (out, in, KH, KW) or, transposed, (in, out, KH, KW) is the only
    difference in the parameters; PyTorch's default initialisation applies to both.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, output_padding,
                 bias, dtype, weight_shape):
        super().__init__()
        name = type(self).__name__
        check_positive_int(name, in_channels=in_channels, out_channels=out_channels)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(name, "kernel_size", kernel_size, 1)
        self.stride = _pair(name, "stride", stride, 1)
        self.padding = _pair(name, "padding", padding, 0)
        self.output_padding = _pair(name, "output_padding", output_padding, 0)
        if any(q >= s for q, s in zip(self.output_padding, self.stride)):
            raise ValueError(f"{name}: output_padding {self.output_padding} must be smaller "
                             f"than stride {self.stride} in each dimension")
        self.weight = new_parameter(name, weight_shape(self.kernel_size), dtype)
        self.bias = new_parameter(name, (out_channels,), dtype) if bias else None
        init.default_uniform_(self.weight, self.bias)

    def _check(self, x):
        """Raise a clear error unless x is (N, in_channels, H, W) of the parameters' dtype."""
        self._check_input(x, f"(N, {self.in_channels}, H, W)",
                          lambda s: len(s) == 4 and s[1] == self.in_channels, self.weight.dtype)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.output_padding != (0, 0):
            text += f", output_padding={self.output_padding}"
        return text if self.bias is not None else text + ", bias=False"


class Conv2d(_ConvNd):
    """A 2-D convolution layer (a cross-correlation, as in PyTorch).

    Args:
        in_channels: C, channels of the input.
        out_channels: OC, channels of the output (number of filters).
        kernel_size: (KH, KW) or one int.
        stride: (SH, SW) or one int.
        padding: (PH, PW) or one int: zeros added on each side.
        bias: whether to learn a bias per output channel.
        dtype: the parameters' dtype; inputs must have it too.

    Shapes: x (N, C, H, W) -> y (N, OC, OH, OW), OH = (H + 2 PH - KH) // SH + 1.

    Attributes:
        weight: Parameter (OC, C, KH, KW), from U(-k, k), k = 1 / sqrt(C * KH * KW).
        bias: Parameter (OC,) from the same U(-k, k), or None.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 dtype="float32"):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, 0, bias, dtype,
                         lambda k: (out_channels, in_channels, *k))

    def forward(self, x):
        """y = conv2d(x, W) + b for x (N, C, H, W)."""
        self._check(x)
        padded = tuple(n + 2 * p for n, p in zip(x.shape[2:], self.padding))
        if padded[0] < self.kernel_size[0] or padded[1] < self.kernel_size[1]:
            raise ValueError(f"{self!r} expects input of shape (N, {self.in_channels}, H, W) with "
                             f"H + 2*padding and W + 2*padding at least the kernel size "
                             f"{self.kernel_size}, received {x.shape}")
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)


class ConvTranspose2d(_ConvNd):
    """A 2-D transposed convolution layer: the adjoint of Conv2d, which upsamples.

    Args:
        in_channels: C, channels of the input.
        out_channels: OC, channels of the output.
        kernel_size: (KH, KW) or one int.
        stride: (SH, SW) or one int: the spacing of the scattered kernels.
        padding: (PH, PW) or one int: rows and columns cropped off each side.
        output_padding: (OPH, OPW) or one int, each smaller than the stride: extra rows and
            columns at the bottom and right.
        bias: whether to learn a bias per output channel.
        dtype: the parameters' dtype; inputs must have it too.

    Shapes: x (N, C, H, W) -> y (N, OC, OH, OW), OH = (H - 1) SH - 2 PH + KH + OPH.

    Attributes:
        weight: Parameter (C, OC, KH, KW), PyTorch's transposed layout. Initialised from
            U(-k, k) with k = 1 / sqrt(OC * KH * KW): PyTorch computes the fan-in from
            dimension 1 of the weight, which here is OC.
        bias: Parameter (OC,) from the same U(-k, k), or None.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, bias=True, dtype="float32"):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding,
                         bias, dtype, lambda k: (in_channels, out_channels, *k))

    def forward(self, x):
        """y = conv_transpose2d(x, W) + b for x (N, C, H, W)."""
        self._check(x)
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                  self.output_padding)
