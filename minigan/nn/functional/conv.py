"""2-D convolution and transposed convolution, with their gradients written out.

A convolution (a cross-correlation, as in PyTorch) slides each filter over the zero-padded
input and takes a dot product with every KH x KW window it meets:

    y[n, oc, oh, ow] = b[oc] + sum_{c, i, j} x_pad[n, c, oh*SH + i, ow*SW + j] * W[oc, c, i, j]

``im2col`` copies those windows out side by side, so that the whole convolution becomes
one matrix product; ``col2im`` is its adjoint (each window added back where it was read),
which is how the transposed convolution writes its output.

The three gradients of a convolution are convolutions again:

* gx: y is linear in x, and the adjoint of "convolve with W" is "transposed-convolve
  with W";
* gW: gy times the windows of x, summed over the batch and the output pixels: the
  Function ``Conv2dGradW``;
* gb: gy summed over everything but the channels.

The transposed convolution *is* that adjoint, so its gradients are the same three with the
roles swapped. Every backward is written with these Functions, so it can be differentiated
again (``create_graph=True``), with exact second derivatives.

Memory order: batch last. Arrays keep PyTorch's (N, C, H, W) shape, but the convolutions
work on, and return, (N, C, H, W) views of (C, H, W, N) memory. ``im2col`` copies, for
each kernel offset, every pixel of all N images; with the batch innermost each pixel's N
values are one contiguous run, which NumPy copies several times faster than the short
strided rows of (N, C, H, W) order. The product with W then yields (OC, OH, OW, N)
directly, the next layer's order, with no transposing copy in between.
"""

from numbers import Integral

from minigan import backend
from minigan.autograd import Function


# ---------------------------------------------------------------- argument checks

def _pair(value, name, minimum):
    """``value``, an int or a pair of ints, as a pair (vertical, horizontal), each >= minimum."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(isinstance(v, Integral) and not isinstance(v, bool) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return tuple(int(v) for v in pair)


def _check_inputs(op, x, W, b, transposed):
    """Raise a ValueError naming the problem unless x, W and b fit together."""
    layout = "(C, OC, KH, KW)" if transposed else "(OC, C, KH, KW)"
    if x.ndim != 4:
        raise ValueError(f"{op}: x must be 4-D (N, C, H, W), got shape {x.shape}")
    if W.ndim != 4:
        raise ValueError(f"{op}: weight must be 4-D {layout}, got shape {W.shape}")
    in_channels, out_channels = (W.shape[0], W.shape[1]) if transposed else (W.shape[1], W.shape[0])
    if x.shape[1] != in_channels:
        raise ValueError(
            f"{op}: channel mismatch: x of shape {x.shape} has {x.shape[1]} channels but "
            f"weight of shape {W.shape} {layout} expects {in_channels}"
        )
    if b is not None and b.shape != (out_channels,):
        raise ValueError(f"{op}: bias must have shape ({out_channels},) for weight of shape "
                         f"{W.shape} {layout}, got {b.shape}")


def _out_size(size, kernel, stride, padding):
    """(OH, OW): how many windows fit in the padded input, OH = (H + 2 PH - KH) // SH + 1."""
    out = tuple((n + 2 * p - k) // s + 1 for n, k, s, p in zip(size, kernel, stride, padding))
    if min(out) < 1:
        padded = tuple(n + 2 * p for n, p in zip(size, padding))
        raise ValueError(
            f"kernel {kernel[0]}x{kernel[1]} is larger than the padded input {padded[0]}x{padded[1]} "
            f"(input {size[0]}x{size[1]}, padding {padding}); use a smaller kernel or more padding"
        )
    return out


def _transposed_size(size, kernel, stride, padding, output_padding):
    """(OH, OW) of a transposed convolution: OH = (H - 1) SH - 2 PH + KH + output padding."""
    out = tuple((n - 1) * s - 2 * p + k + q
                for n, k, s, p, q in zip(size, kernel, stride, padding, output_padding))
    if min(out) < 1:
        raise ValueError(
            f"conv_transpose2d: output size {out[0]}x{out[1]} is less than 1: padding {padding} "
            f"crops more than the transposed convolution produces (input {size[0]}x{size[1]}, "
            f"kernel {kernel[0]}x{kernel[1]}, stride {stride}, output_padding {output_padding})"
        )
    return out


# ---------------------------------------------------------------- windows as an array

def im2col(x, kernel_size, stride=1, padding=0):
    """Copy out the KH x KW windows that a convolution reads, one per output pixel.

    Notation (used throughout this module)::

        N       batch size
        C       channels
        H, W    input height and width
        KH, KW  kernel height and width
        SH, SW  stride: how far the window moves between output pixels
        PH, PW  zero padding added on each side
        OH, OW  output height and width, OH = (H + 2 PH - KH) // SH + 1

    Args:
        x: array (N, C, H, W).
        kernel_size: (KH, KW), or one int for both.
        stride: (SH, SW), or one int for both.
        padding: (PH, PW), or one int for both.

    Returns:
        col, an array (C, KH, KW, OH, OW, N) with
        ``col[c, i, j, oh, ow, n] = x_pad[n, c, oh*SH + i, ow*SW + j]``: read as a matrix
        (C KH KW, OH OW N), column (oh, ow, n) is the window of output pixel (oh, ow) of
        image n. The batch comes last (see the module's docstring).

    The loop runs over the KH * KW kernel offsets only: for one offset (i, j), the pixels
    it touches in all OH x OW windows form a strided slice of the padded input.
    """
    xp = backend.get_array_module(x)
    KH, KW = _pair(kernel_size, "kernel_size", 1)
    SH, SW = _pair(stride, "stride", 1)
    PH, PW = _pair(padding, "padding", 0)
    if x.ndim != 4:
        raise ValueError(f"im2col: x must be 4-D (N, C, H, W), got shape {x.shape}")
    N, C, H, W = x.shape
    OH, OW = _out_size((H, W), (KH, KW), (SH, SW), (PH, PW))
    x_pad = xp.zeros((C, H + 2 * PH, W + 2 * PW, N), dtype=x.dtype)
    x_pad[:, PH:PH + H, PW:PW + W] = x.transpose(1, 2, 3, 0)
    col = xp.empty((C, KH, KW, OH, OW, N), dtype=x.dtype)
    for i in range(KH):
        for j in range(KW):
            col[:, i, j] = x_pad[:, i:i + SH * OH:SH, j:j + SW * OW:SW]
    return col


def col2im(col, size, stride=1, padding=0):
    """Add every window back where ``im2col`` read it: the adjoint of ``im2col``.

    Notation::

        N       batch size
        C       channels
        H, W    image height and width
        KH, KW  kernel height and width
        SH, SW  stride
        PH, PW  zero padding on each side (cropped off at the end)
        OH, OW  number of windows down and across, OH = (H + 2 PH - KH) // SH + 1

    Args:
        col: array (C, KH, KW, OH, OW, N), laid out as ``im2col`` returns it.
        size: (H, W), the image size.
        stride: (SH, SW), or one int for both.
        padding: (PH, PW), or one int for both.

    Returns:
        x, an array (N, C, H, W) (a view of (C, H, W, N) memory): each pixel receives the
        sum of the window entries that ``im2col`` would have read from it, so
        ``<im2col(x), col> = <x, col2im(col)>``.

    Windows overlap when the kernel is larger than the stride; a pixel read by several
    then collects several contributions. Within one kernel offset (i, j) the windows touch
    distinct pixels, so ``+=`` on that offset's strided view never adds twice to one place.
    """
    xp = backend.get_array_module(col)
    SH, SW = _pair(stride, "stride", 1)
    PH, PW = _pair(padding, "padding", 0)
    if col.ndim != 6:
        raise ValueError(f"col2im: col must be 6-D (C, KH, KW, OH, OW, N), got shape {col.shape}")
    C, KH, KW, OH, OW, N = col.shape
    H, W = _pair(size, "size", 1)
    if (OH, OW) != _out_size((H, W), (KH, KW), (SH, SW), (PH, PW)):
        raise ValueError(
            f"col2im: {OH}x{OW} windows of {KH}x{KW} do not tile an image of size {H}x{W} with "
            f"stride {(SH, SW)} and padding {(PH, PW)}"
        )
    x_pad = xp.zeros((C, H + 2 * PH, W + 2 * PW, N), dtype=col.dtype)
    for i in range(KH):
        for j in range(KW):
            x_pad[:, i:i + SH * OH:SH, j:j + SW * OW:SW] += col[:, i, j]
    return x_pad[:, PH:PH + H, PW:PW + W].transpose(3, 0, 1, 2)


def _matrix(x):
    """x (N, C, H, W) as the matrix (C, H W N): a view when x is batch-last in memory."""
    return x.transpose(1, 2, 3, 0).reshape(x.shape[1], -1)


# ---------------------------------------------------------------- Functions

def _bias_grad(f, gy):
    """The bias gradient as a 1-tuple, or () when ``f`` was called without a bias."""
    if len(f.inputs) == 2:
        return ()
    return (gy.sum(axis=(0, 2, 3)) if f.needs_input_grad[2] else None,)  # dL/db[oc] = sum_{n,oh,ow} gy


def _conv_transpose_to(y, W, size, stride, padding):
    """``conv_transpose2d(y, W)`` with the output padding that makes it ``size`` (H, W) big.

    A stride-S convolution drops up to S - 1 trailing rows that no window reaches, so
    several input sizes give one output size; the adjoint must return the input's own size.
    """
    kernel = W.shape[2:]
    output_padding = tuple(n + 2 * p - k - (m - 1) * s
                           for n, k, m, s, p in zip(size, kernel, y.shape[2:], stride, padding))
    return ConvTranspose2d(stride, padding, output_padding)(y, W)


class Conv2d(Function):
    """y = conv2d(x, W) + b for x (N, C, H, W), W (OC, C, KH, KW), b (OC,) or none.

    y has shape (N, OC, OH, OW); see ``im2col`` for the notation. ``windows``, when given,
    is ``im2col(x)`` already copied out (a transposed convolution's backward needs it twice).
    """

    def __init__(self, stride, padding, windows=None):
        self.stride, self.padding, self.windows = stride, padding, windows

    def forward(self, x, W, b=None):
        _check_inputs("conv2d", x, W, b, transposed=False)
        if self.windows is None:  # kept for the backward: the weight gradient reads them again
            self.windows = im2col(x, W.shape[2:], self.stride, self.padding)
        C, KH, KW, OH, OW, N = self.windows.shape
        # one matrix product: each filter dotted with each window, (OC, C KH KW) @ (C KH KW, OH OW N)
        y = W.reshape(W.shape[0], -1) @ self.windows.reshape(C * KH * KW, -1)
        if b is not None:
            y += b[:, None]  # in place on the fresh product
        return y.reshape(-1, OH, OW, N).transpose(3, 0, 1, 2)  # (N, OC, OH, OW), batch last in memory

    def backward(self, gy):
        x, W = self.inputs[:2]
        need_x, need_W = self.needs_input_grad[:2]
        gx = (_conv_transpose_to(gy, W, x.shape[2:], self.stride, self.padding)  # dL/dx = conv^T(gy, W)
              if need_x else None)
        grad_W = Conv2dGradW(W.shape[2:], self.stride, self.padding, self.windows)
        gW = grad_W(x, gy) if need_W else None  # dL/dW = sum_n gy . im2col(x)
        return (gx, gW) + _bias_grad(self, gy)


class ConvTranspose2d(Function):
    """y = conv_transpose2d(x, W) + b for x (N, C, H, W), W (C, OC, KH, KW), b (OC,) or none.

    y has shape (N, OC, OH, OW) with OH = (H - 1) SH - 2 PH + KH + output padding: the
    adjoint of ``conv2d(., W)`` on inputs of that size (W read as (out, in) = (C, OC)).
    """

    def __init__(self, stride, padding, output_padding):
        self.stride, self.padding, self.output_padding = stride, padding, output_padding

    def forward(self, x, W, b=None):
        _check_inputs("conv_transpose2d", x, W, b, transposed=True)
        size = _transposed_size(x.shape[2:], W.shape[2:], self.stride, self.padding, self.output_padding)
        C, OC, KH, KW = W.shape
        N, _, H, W_in = x.shape
        # one matrix product: every input pixel scales every kernel, (OC KH KW, C) @ (C, H W N)...
        col = W.reshape(C, -1).T @ _matrix(x)
        col = col.reshape(OC, KH, KW, H, W_in, N)  # ...windows laid out as im2col's
        # ...and each window is added where a convolution of the output would read it
        y = col2im(col, size, self.stride, self.padding)  # (N, OC, OH, OW)
        if b is not None:
            y += b.reshape(1, -1, 1, 1)  # in place: col2im's output is a fresh array
        return y

    def backward(self, gy):
        x, W = self.inputs[:2]
        need_x, need_W = self.needs_input_grad[:2]
        # both gradients read the windows of gy: copy them out once
        windows = im2col(gy.data, W.shape[2:], self.stride, self.padding) if need_x or need_W else None
        gx = (Conv2d(self.stride, self.padding, windows)(gy, W)  # dL/dx = conv(gy, W): the adjoint's adjoint
              if need_x else None)
        grad_W = Conv2dGradW(W.shape[2:], self.stride, self.padding, windows)
        gW = grad_W(gy, x) if need_W else None  # dL/dW = sum_n x . im2col(gy)
        return (gx, gW) + _bias_grad(self, gy)


class Conv2dGradW(Function):
    """gW = the weight gradient of ``conv2d``, for x (N, C, H, W) and gy (N, OC, OH, OW):

        gW[oc, c, i, j] = sum_{n, oh, ow} gy[n, oc, oh, ow] * x_pad[n, c, oh*SH + i, ow*SW + j]

    shape (OC, C, KH, KW). A Function of its own so that its backward, two convolutions,
    keeps second derivatives of ``conv2d`` and ``conv_transpose2d`` exact. ``windows``,
    when given, is ``im2col(x)``, which the convolution's forward already copied out.
    """

    def __init__(self, kernel_size, stride, padding, windows=None):
        self.kernel_size, self.stride, self.padding = tuple(kernel_size), stride, padding
        self.windows = windows

    def forward(self, x, gy):
        col = self.windows
        if col is None:
            col = im2col(x, self.kernel_size, self.stride, self.padding)  # (C, KH, KW, OH, OW, N)
        self.windows = None  # the backward does not read them: let them go with this call
        C, KH, KW = col.shape[:3]
        # summed over the batch and the output pixels: (OC, OH OW N) @ (OH OW N, C KH KW)
        gW = _matrix(gy) @ col.reshape(C * KH * KW, -1).T
        return gW.reshape(-1, C, KH, KW)

    def backward(self, ggW):
        x, gy = self.inputs
        need_x, need_gy = self.needs_input_grad
        # gW is bilinear in (x, gy): <ggW, gW> = <gy, conv2d(x, ggW)>
        gx = (_conv_transpose_to(gy, ggW, x.shape[2:], self.stride, self.padding)  # d/dx = conv^T(gy, ggW)
              if need_x else None)
        ggy = Conv2d(self.stride, self.padding)(x, ggW) if need_gy else None  # d/dgy = conv(x, ggW)
        return gx, ggy


# ---------------------------------------------------------------- functions

def conv2d(x, weight, bias=None, stride=1, padding=0):
    """2-D convolution (a cross-correlation, as in PyTorch), plus a bias per output channel.

    Args:
        x: input (N, C, H, W).
        weight: filters W (OC, C, KH, KW), PyTorch's layout.
        bias: b (OC,), or None.
        stride: (SH, SW) or one int, >= 1: how far the window moves per output pixel.
        padding: (PH, PW) or one int, >= 0: zeros added on each side of the input.

    Returns:
        y (N, OC, OH, OW) with OH = (H + 2 PH - KH) // SH + 1 and
        ``y[n, oc, oh, ow] = b[oc] + sum_{c, i, j} x_pad[n, c, oh*SH + i, ow*SW + j] W[oc, c, i, j]``.
    """
    f = Conv2d(_pair(stride, "stride", 1), _pair(padding, "padding", 0))
    return f(x, weight) if bias is None else f(x, weight, bias)


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    """2-D transposed convolution: each input pixel scatters a scaled copy of the kernel.

    The adjoint (in x) of ``conv2d`` with the same weight, stride and padding: it maps
    the shape of a convolution's output back to the shape of its input, which is how a
    DCGAN generator upsamples.

    Args:
        x: input (N, C, H, W).
        weight: W (C, OC, KH, KW), PyTorch's layout for transposed convolutions.
        bias: b (OC,), or None.
        stride: (SH, SW) or one int, >= 1: the spacing of the scattered kernels.
        padding: (PH, PW) or one int, >= 0: rows and columns cropped off each side.
        output_padding: (OPH, OPW) or one int, 0 <= each < stride: extra rows and columns
            at the bottom and right. A stride-S convolution maps S input sizes to one
            output size; this picks which of them to return to.

    Returns:
        y (N, OC, OH, OW) with OH = (H - 1) SH - 2 PH + KH + OPH and
        ``y_pad[n, oc, h*SH + i, w*SW + j] += x[n, c, h, w] W[c, oc, i, j]``, plus b[oc].
    """
    stride = _pair(stride, "stride", 1)
    output_padding = _pair(output_padding, "output_padding", 0)
    if any(q >= s for q, s in zip(output_padding, stride)):
        raise ValueError(f"conv_transpose2d: output_padding {output_padding} must be smaller "
                         f"than stride {stride} in each dimension")
    f = ConvTranspose2d(stride, _pair(padding, "padding", 0), output_padding)
    return f(x, weight) if bias is None else f(x, weight, bias)


__all__ = ["conv2d", "conv_transpose2d", "im2col", "col2im",
           "Conv2d", "ConvTranspose2d", "Conv2dGradW"]
