"""Integer index arguments (class targets, embedding rows), checked once with a clear error.

An index out of range is an error on NumPy but can be silently wrapped on a GPU, so the
range is checked here, before the index is used.
"""

from minigan import backend
from minigan.autograd import Tensor


def check_indices(name, indices, n, like, what="index"):
    """``indices`` (a Tensor or an array of integers) as a raw array on the backend of ``like``,
    every entry checked to lie in [0, n).

    ``name`` is the calling function's, for the errors; ``what`` names an entry in them.
    """
    raw = indices.data if isinstance(indices, Tensor) else indices
    if not hasattr(raw, "dtype") or raw.dtype.kind not in "iu":
        kind = getattr(raw, "dtype", type(raw).__name__)
        raise TypeError(f"{name}: {what} must be an integer Tensor or array, got {kind}")
    backend.get_array_module(like, raw)  # raises on a NumPy/CuPy mix
    # one host read (a GPU sync on CuPy) per call: the price of an error instead of a wrap
    if raw.size and bool(((raw < 0) | (raw >= n)).any()):
        low, high = int(raw.min()), int(raw.max())
        raise IndexError(f"{name}: {what} out of range: got values from {low} to {high}, "
                         f"expected each in [0, {n - 1}]")
    return raw
