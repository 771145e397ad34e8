"""A strict stand-in for CuPy, for the tests only: NumPy underneath, CuPy 13/14's rules on top.

``python -m pytest --cupy-standin`` puts this folder first on the path (for the tests and for
every demo they start), so that ``import cupy`` finds this package and ``MINIGAN_BACKEND=cupy``
runs minigan's CuPy path on a machine without a GPU. It is written from CuPy's documentation
and source (``cupy/_core/core.pyx``, ``_kernel.pyx``, ``_scalar.pyx``, ``flags.pyx``,
``cupy/random/_generator_api.pyx``, ``_bit_generator.pyx``, ``histogram.py``).

What it models:

* ``cupy.ndarray`` is a type of its own. ``numpy.asarray(a)`` raises ``TypeError`` as CuPy's
  ``__array__`` does; only ``a.get()``/``cupy.asnumpy(a)`` reach the host.
* A NumPy array (even 0-d) or a list among the operands of an operator or a function is
  ``TypeError`` (CuPy's kernels take CuPy arrays and scalars only); uploads
  (``cupy.asarray``, ``a[...] = host``) take NumPy arrays as CuPy does.
* The operator rule: ``a op other`` hands over to ``other``'s reflected operator only when
  ``other.__array_ufunc__`` is None or its ``__array_priority__`` is strictly above 100.
* Reductions and element reads return 0-d arrays, never NumPy scalars.
* ``a.flags`` has only ``c_contiguous``, ``f_contiguous`` and ``owndata``.
* ``cupy.random``: ``Generator`` with exactly CuPy's methods (no ``permutation``, ``shuffle``,
  ``choice`` or ``normal``), draws returning arrays (0-d without ``size``), the bit generators
  ``XORWOW``, ``MRG32k3a`` and ``Philox4x3210``, and the legacy ``RandomState`` through
  ``get_random_state``/``seed``, neither of which can save its state.
* Host-device synchronisations are counted (``standin_sync_count()``): ``get``, ``asnumpy``,
  ``item``, ``tolist``, ``float``, ``int``, ``bool``, printing, pickling, a boolean mask,
  ``nonzero``, ``bincount``, and ``cuda.Device().synchronize()``.
* A missing CUDA library, on request: ``CUPY_STANDIN_MISSING_LIBRARY=libnvrtc.so.12`` makes every
  elementwise kernel raise as CuPy does, ``=libcublas.so.12`` every matrix product.

What it cannot model: CuPy's numerics (cuRAND's streams, cuBLAS's summation order, float32
accumulation), kernel launch and compile costs, asynchronous execution and the races it
allows, memory pools and out-of-memory, library loading other than the switch above, more
than one device. Only a GPU run (``benchmarks/gpu_check.sh``) shows those.
"""

import numpy

from cupy import cuda, linalg, random
from cupy._core import function, get_ufunc, ndarray, sync, sync_count, ufunc

__version__ = "14.0.0+standin"

# dtypes and constants are NumPy's own in CuPy too
from numpy import (  # noqa: F401 (re-exported)
    bool_, complex64, complex128, e, finfo, float16, float32, float64, floating, generic, iinfo,
    inf, int8, int16, int32, int64, integer, nan, newaxis, number, pi, promote_types, result_type,
    uint8, uint16, uint32, uint64)

UFUNCS = (
    "absolute", "add", "arctan", "arctan2", "bitwise_and", "bitwise_or", "bitwise_xor", "cbrt", "ceil",
    "copysign", "cos", "cosh", "divide", "equal", "exp", "exp2", "expm1", "fabs", "floor", "floor_divide",
    "fmax", "fmin", "greater", "greater_equal", "hypot", "invert", "isfinite", "isinf", "isnan", "less",
    "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logical_and", "logical_not",
    "logical_or", "logical_xor", "matmul", "maximum", "minimum", "multiply", "negative", "not_equal",
    "positive", "power", "reciprocal", "remainder", "rint", "sign", "signbit", "sin", "sinh", "sqrt",
    "square", "subtract", "tan", "tanh", "true_divide", "trunc")
FUNCTIONS = (
    "all", "allclose", "amax", "amin", "any", "arange", "argmax", "argmin", "argsort", "around",
    "array_equal", "array_split", "atleast_1d", "atleast_2d", "average", "broadcast_arrays",
    "broadcast_to", "clip", "concatenate", "count_nonzero", "cumprod", "cumsum", "diag", "diagonal",
    "empty", "empty_like", "expand_dims", "eye", "flip", "full", "full_like", "hstack", "identity",
    "isclose", "linspace", "max", "mean", "median", "meshgrid", "min", "moveaxis", "ones", "ones_like",
    "pad", "prod", "ravel", "repeat", "reshape", "roll", "round", "searchsorted", "sort", "split",
    "squeeze", "stack", "std", "sum", "swapaxes", "take", "take_along_axis", "tile", "transpose",
    "tril", "triu", "var", "vstack", "zeros", "zeros_like")
MATRIX_PRODUCTS = ("dot", "einsum", "inner", "outer", "tensordot", "trace", "vdot")
SYNCING = ("argwhere", "flatnonzero", "nonzero", "unique")  # the size of the result is data

for _name in UFUNCS:
    globals()[_name] = get_ufunc(_name)
abs = get_ufunc("absolute")  # noqa: A001 (CuPy's aliases)
mod = get_ufunc("remainder")
for _name in FUNCTIONS:
    globals()[_name] = function(getattr(numpy, _name), _name)
for _name in MATRIX_PRODUCTS:
    globals()[_name] = function(getattr(numpy, _name), _name, library="cublas")


def _syncing(name):
    numpy_function = function(getattr(numpy, name), name)

    def call(*args, **kwargs):
        sync()  # CuPy reads the result's size on the host before allocating it
        return numpy_function(*args, **kwargs)
    call.__name__ = name
    call.__doc__ = f"CuPy's {name}: a synchronisation, since the size of its result depends on the data."
    return call


for _name in SYNCING:
    globals()[_name] = _syncing(_name)


def where(condition, x=None, y=None):
    """``where(c, x, y)`` elementwise; ``where(c)`` is ``nonzero(c)``, a synchronisation."""
    if x is None and y is None:
        return nonzero(condition)  # noqa: F821 (made above)
    return _where(condition, x, y)


_where = function(numpy.where, "where")


def bincount(x, weights=None, minlength=None):
    """Counts of each value of the int array ``x``; CuPy reads ``x.max()`` first: a synchronisation."""
    sync()
    return _bincount(x, weights=weights, minlength=minlength)


_bincount = function(numpy.bincount, "bincount")


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, blocking=False):
    """A new array on the (pretend) device from host data or another array: an upload, no wait."""
    data = obj._a if isinstance(obj, ndarray) else obj
    return ndarray._of(numpy.array(data, dtype=dtype, copy=True, order=order, ndmin=ndmin))


def asarray(a, dtype=None, order=None, *, blocking=False):
    """``a`` as an array (the same array when it already is one of this dtype)."""
    if isinstance(a, ndarray) and (dtype is None or numpy.dtype(dtype) == a.dtype):
        return a
    return array(a, dtype=dtype, order=order or "K")


ascontiguousarray = function(numpy.ascontiguousarray, "ascontiguousarray")


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    """A NumPy copy of ``a`` (a synchronisation for a device array; host data passes through)."""
    if isinstance(a, ndarray):
        return a.get(stream=stream, order=order, out=out)
    return numpy.asarray(a, order=order)


def get_array_module(*args):
    """``cupy`` if any argument is a CuPy array, else ``numpy``."""
    import cupy
    return cupy if any(isinstance(a, ndarray) for a in args) else numpy


dtype = numpy.dtype  # after the functions above, whose argument of that name would hide it


def standin_sync_count():
    """How many host-device synchronisations the stand-in has counted so far (not in real CuPy)."""
    return sync_count()


__all__ = ["ndarray", "ufunc", "cuda", "linalg", "random", "asnumpy", "get_array_module",
           "standin_sync_count", *UFUNCS, *FUNCTIONS, *MATRIX_PRODUCTS, *SYNCING]
