"""Nearest-neighbour upsampling by whole factors: each pixel repeated into an s x s block.

    y[n, c, h s + i, w s + j] = x[n, c, h, w]     for 0 <= i, j < s

written as a reshape to (N, C, H, 1, W, 1), a broadcast to (N, C, H, s, W, s) and a reshape
to (N, C, H s, W s). Every step has its gradient already: the broadcast's is a sum, so
dL/dx[n, c, h, w] is gy summed over the s x s block that x[n, c, h, w] was copied into.
"""

import numbers

from minigan.autograd import Tensor
from minigan.autograd.ops import broadcast_to


def _factors(input, size, scale_factor):
    """The whole-number scale factor of each spatial dimension of ``input`` (N, C, *)."""
    spatial = input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if scale_factor is not None:
        given = scale_factor if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * len(spatial)
        factors = given
    else:
        given = size if isinstance(size, (tuple, list)) else (size,) * len(spatial)
        factors = tuple(s / n for s, n in zip(given, spatial))
    if len(factors) != len(spatial) or not all(
            isinstance(f, numbers.Real) and not isinstance(f, bool) and f >= 1 and float(f).is_integer()
            for f in factors):
        what = f"scale_factor {scale_factor!r}" if size is None else f"size {size!r}"
        raise ValueError(f"interpolate (mode='nearest'): {what} must give a whole factor >= 1 for each of "
                         f"the {len(spatial)} spatial dimensions of input {input.shape}")
    return tuple(int(f) for f in factors)


def interpolate(input, size=None, scale_factor=None, mode="nearest"):
    """Upsample ``input`` by repeating pixels, as ``torch.nn.functional.interpolate``.

    Args:
        input: Tensor (N, C, H, W) (or (N, C, L), (N, C, D, H, W)).
        size: the output's spatial size, a whole multiple of the input's; or
        scale_factor: an int (or one per spatial dimension), e.g. 2.
        mode: ``"nearest"``, the only mode (a GAN generator's "resize, then convolve").

    Returns:
        Tensor (N, C, H s, W s).
    """
    if mode != "nearest":
        raise ValueError(f"interpolate: mode must be 'nearest', got {mode!r}")
    if not isinstance(input, Tensor) or input.ndim < 3:
        shape = input.shape if isinstance(input, Tensor) else type(input).__name__
        raise ValueError(f"interpolate expects a Tensor (N, C, H, W) (or (N, C, L), (N, C, D, H, W)), got {shape}")
    factors = _factors(input, size, scale_factor)
    spread, blocks, out = list(input.shape[:2]), list(input.shape[:2]), list(input.shape[:2])
    for n, s in zip(input.shape[2:], factors):
        spread += [n, 1]  # a size-1 axis after each spatial one...
        blocks += [n, s]  # ...broadcast to s copies...
        out += [n * s]    # ...and merged with it
    return broadcast_to(input.reshape(spread), tuple(blocks)).reshape(out)
