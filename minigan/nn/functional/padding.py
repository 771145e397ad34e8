"""Padding: rows and columns added around a tensor, zeros (``"constant"``) or a mirror image of
the edge (``"reflect"``, CycleGAN's choice: no artificial border for the convolutions to see).

Each padded dimension is a ``cat`` of three pieces: what goes before, x itself, what goes
after. Constant pieces are constants; reflected ones are slices of x read backwards,
``x[p:0:-1]`` before and ``x[-2:-2-p:-1]`` after, so [a b c d] padded by 2 is [c b | a b c d | c b].
The gradient follows from ``cat`` and slicing: x's own gradient is the middle of gy, and each
reflected pixel's gradient is added back onto the pixel it mirrors.
"""

import numbers

from minigan import backend
from minigan.autograd import Tensor, cat
from minigan.autograd.join import _along

MODES = ("constant", "reflect")


def _pieces(x, d, before, after, mode, value):
    """What ``pad`` puts before and after ``x`` along dimension ``d`` (None where nothing goes)."""
    if mode == "reflect":
        return (x[_along(d, slice(before, 0, -1))] if before else None,
                x[_along(d, slice(-2, -2 - after, -1))] if after else None)
    xp = backend.get_array_module(x.data)

    def block(n):
        shape = x.shape[:d] + (n,) + x.shape[d + 1:]
        return Tensor(xp.full(shape, value, dtype=x.dtype)) if n else None

    return block(before), block(after)


def pad(input, pad, mode="constant", value=None):
    """Pad ``input``, as ``torch.nn.functional.pad``.

    Args:
        input: Tensor of any shape, e.g. (N, C, H, W).
        pad: pairs of widths (before, after), starting from the last dimension:
            ``(left, right)`` pads W, ``(left, right, top, bottom)`` pads W and H. Each >= 0.
        mode: ``"constant"`` (``value``, 0 by default) or ``"reflect"`` (the mirror image
            of the edge, which is not repeated; each width below that dimension's size).
        value: the fill of ``"constant"`` mode.

    Returns:
        Tensor (N, C, H + top + bottom, W + left + right) for the 4-element pad of an (N, C, H, W) input.
    """
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {MODES}, got {mode!r}")
    if not isinstance(input, Tensor):
        raise TypeError(f"pad: input must be a Tensor, got {type(input).__name__}")
    widths = tuple(pad)
    if len(widths) % 2 or len(widths) > 2 * input.ndim or not all(
            isinstance(w, numbers.Integral) and not isinstance(w, bool) and w >= 0 for w in widths):
        raise ValueError(f"pad: pad must be pairs of non-negative ints, at most one pair per dimension "
                         f"({input.ndim} for input of shape {input.shape}), got {pad!r}")
    if mode == "reflect" and value is not None:
        raise ValueError("pad: value is only used by mode='constant'")
    y = input
    for i in range(len(widths) // 2):
        d = input.ndim - 1 - i  # the first pair pads the last dimension
        before, after = widths[2 * i], widths[2 * i + 1]
        if mode == "reflect" and max(before, after) >= input.shape[d]:
            raise ValueError(f"pad: reflect padding ({before}, {after}) must be smaller than the "
                             f"size {input.shape[d]} of dimension {d} (input shape {input.shape})")
        first, last = _pieces(y, d, before, after, mode, 0.0 if value is None else value)
        y = cat([p for p in (first, y, last) if p is not None], d)
    return y
