"""Average pooling: the mean of each KH x KW window, windows SH, SW apart.

    y[n, c, oh, ow] = 1/(KH KW) sum_{i, j} x_pad[n, c, oh SH + i, ow SW + j]

The sum over the window is written as KH KW strided slices of x added together (the loop of
``im2col``, each slice a view ``x[:, :, i:..:SH, j:..:SW]`` of the pixels at kernel offset
(i, j)). Each slice's gradient puts gy back at the pixels it read, so a pixel collects
gy / (KH KW) from every window that contains it: the transpose of the average.
"""

from minigan.autograd import Tensor
from minigan.nn.functional.conv import _out_size, _pair
from minigan.nn.functional.padding import pad


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    """2-D average pooling, as ``torch.nn.functional.avg_pool2d``.

    Args:
        input: Tensor (N, C, H, W).
        kernel_size: (KH, KW) or one int.
        stride: (SH, SW) or one int; None (the default) is the kernel size: windows that tile.
        padding: (PH, PW) or one int, at most half the kernel: zeros added on each side, which
            count in the average (PyTorch's default ``count_include_pad=True``).

    Returns:
        Tensor (N, C, OH, OW), OH = (H + 2 PH - KH) // SH + 1.
    """
    if not isinstance(input, Tensor) or input.ndim != 4:
        shape = input.shape if isinstance(input, Tensor) else type(input).__name__
        raise ValueError(f"avg_pool2d expects a Tensor (N, C, H, W), got {shape}")
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    SH, SW = _pair(kernel_size if stride is None else stride, "stride", 1)
    PH, PW = _pair(padding, "padding", 0)
    if 2 * PH > KH or 2 * PW > KW:
        raise ValueError(f"avg_pool2d: padding {(PH, PW)} must be at most half the kernel size {(KH, KW)}")
    OH, OW = _out_size(input.shape[2:], (KH, KW), (SH, SW), (PH, PW))
    x = pad(input, (PW, PW, PH, PH)) if PH or PW else input
    total = None
    for i in range(KH):
        for j in range(KW):
            window = x[:, :, i:i + SH * (OH - 1) + 1:SH, j:j + SW * (OW - 1) + 1:SW]  # offset (i, j) of every window
            total = window if total is None else total + window
    return total * (1.0 / (KH * KW))
