"""The stand-in's array: a NumPy array behind CuPy 13/14's rules for ``cupy.ndarray``.

Everything here follows CuPy's own source (``cupy/_core/core.pyx``, ``_kernel.pyx``,
``_scalar.pyx``, ``flags.pyx``): what is refused, what is a host-device synchronisation,
what a reduction returns. See ``cupy/__init__.py`` for the list of what is modelled.
"""

import os

import numpy

SCALARS = (bool, int, float, complex, numpy.generic)  # what a kernel takes besides arrays


class _Syncs:
    """How many times the host has waited for the (pretend) device."""

    count = 0


def sync():
    """Count one host-device synchronisation."""
    _Syncs.count += 1


def sync_count():
    """The synchronisations counted so far (tests read the difference around a piece of work)."""
    return _Syncs.count


def _missing_library(kind):
    """Raise as CuPy does when a CUDA library it loads lazily is absent.

    ``CUPY_STANDIN_MISSING_LIBRARY=libnvrtc.so.12`` makes every elementwise kernel fail (CuPy
    compiles them with NVRTC); ``=libcublas.so.12`` every matrix product.
    """
    library = os.environ.get("CUPY_STANDIN_MISSING_LIBRARY", "")
    if library and kind in library:
        raise RuntimeError(f"CuPy failed to load {library}: OSError: {library}: cannot open shared "
                           "object file: No such file or directory")


def unwrap(value, host_ok=False):
    """The NumPy array behind ``value``; a NumPy array is refused unless ``host_ok`` (an upload).

    CuPy's kernels take its own arrays and scalars: a NumPy array, even a 0-d one, is
    ``TypeError: Unsupported type <class 'numpy.ndarray'>`` (``_scalar.CScalar``). Other
    arguments (dtypes, axes, shapes, sequences of arrays) pass through.
    """
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, numpy.ndarray) and not host_ok:
        raise TypeError(f"Unsupported type {type(value)}")
    if isinstance(value, (tuple, list)):
        return type(value)(unwrap(v, host_ok) for v in value)
    return value


def wrap(value):
    """NumPy results as the stand-in's arrays: a NumPy scalar (a reduction's result) becomes a
    0-d array, as CuPy's reductions and element reads return 0-d arrays."""
    if isinstance(value, numpy.ndarray):
        return ndarray._of(value)
    if isinstance(value, numpy.generic):
        return ndarray._of(numpy.asarray(value))
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple (eigh's result)
        return type(value)(*(wrap(v) for v in value))
    if isinstance(value, (tuple, list)):
        return type(value)(wrap(v) for v in value)
    return value


def function(numpy_function, name, host_ok=False, library="nvrtc"):
    """A CuPy function that runs ``numpy_function`` on unwrapped arguments and wraps its result."""
    def call(*args, **kwargs):
        _missing_library(library)
        args = [unwrap(a, host_ok) for a in args]
        kwargs = {k: unwrap(v, host_ok) for k, v in kwargs.items()}
        if "out" in kwargs:  # CuPy writes into the given array
            out = kwargs["out"]
            numpy_function(*args, **kwargs)
            return wrap(out)
        return wrap(numpy_function(*args, **kwargs))
    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"CuPy's {name}, run by NumPy on the stand-in's arrays."
    return call


class ufunc:
    """A CuPy ufunc: called, or through its ``at``/``reduce``/``outer``/``accumulate`` methods."""

    def __init__(self, name, library="nvrtc"):
        self.__name__ = name
        self._numpy = getattr(numpy, name)
        self._call = function(self._numpy, name, library=library)
        self.nin, self.nout = self._numpy.nin, self._numpy.nout

    def __call__(self, *args, **kwargs):
        for x in args:
            if not isinstance(x, (ndarray,) + SCALARS):  # a list too: CScalar refuses it
                raise TypeError(f"Unsupported type {type(x)}")
        return self._call(*args, **kwargs)

    def at(self, a, indices, b=None):
        """In place at ``indices``, an element hit twice updated twice (``cupy.add.at``)."""
        _missing_library("nvrtc")
        args = (unwrap(b),) if b is not None else ()
        self._numpy.at(unwrap(a), unwrap(indices, host_ok=True), *args)

    def __getattr__(self, method):
        if method in ("reduce", "outer", "accumulate", "reduceat"):
            return function(getattr(self._numpy, method), f"{self.__name__}.{method}")
        raise AttributeError(f"'ufunc' object has no attribute {method!r}")


class Flags:
    """CuPy's flags: only ``c_contiguous``, ``f_contiguous`` and ``owndata`` (no ``writeable``)."""

    def __init__(self, a):
        self.c_contiguous = a.flags.c_contiguous
        self.f_contiguous = a.flags.f_contiguous
        self.owndata = a.flags.owndata

    def __getitem__(self, name):
        names = {"C_CONTIGUOUS": "c_contiguous", "F_CONTIGUOUS": "f_contiguous", "OWNDATA": "owndata"}
        if name not in names:
            raise KeyError(f"{name} is not defined for cupy.ndarray.flags")
        return getattr(self, names[name])


def _should_use_rop(x, y):
    """CuPy's rule for ``x op y`` with ``y`` not a CuPy array: hand over to ``y``'s reflected
    operator when ``y.__array_ufunc__`` is None, or, lacking one, when ``y``'s
    ``__array_priority__`` is strictly higher than ``x``'s (100)."""
    y_ufunc = getattr(y, "__array_ufunc__", _should_use_rop)
    if y_ufunc is not _should_use_rop:
        return y_ufunc is None
    return getattr(x, "__array_priority__", 0) < getattr(y, "__array_priority__", 0)


_UFUNCS = {}


def get_ufunc(name):
    """The one ``ufunc`` of each name (matrix products are cuBLAS calls, the rest NVRTC kernels)."""
    if name not in _UFUNCS:
        _UFUNCS[name] = ufunc(name, "cublas" if name == "matmul" else "nvrtc")
    return _UFUNCS[name]


def _binary(name, reflected=False):
    op = get_ufunc(name)

    def method(self, other):
        if not isinstance(other, ndarray) and _should_use_rop(self, other):
            return NotImplemented
        # anything else goes through NumPy's ufunc back to CuPy's kernel, which refuses a NumPy
        # array ("Unsupported type"); an object NumPy cannot handle either is a TypeError too
        return op(other, self) if reflected else op(self, other)
    return method


def _inplace(name):
    op = get_ufunc(name)

    def method(self, other):
        op(self, other, out=self)
        return self
    return method


class ndarray:
    """A CuPy array as CuPy 13/14 behave, holding a NumPy array that only the stand-in touches."""

    __array_priority__ = 100
    __hash__ = None

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = numpy.empty(shape, dtype=dtype, order=order)

    @classmethod
    def _of(cls, a):
        out = cls.__new__(cls)
        out._a = a
        return out

    # ------------------------------------------------------------ facts (no synchronisation)
    shape = property(lambda self: self._a.shape, lambda self, shape: setattr(self._a, "shape", shape))
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    dtype = property(lambda self: self._a.dtype)
    strides = property(lambda self: self._a.strides)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    flags = property(lambda self: Flags(self._a))
    base = property(lambda self: None if self._a.base is None else ndarray._of(self._a.base))
    T = property(lambda self: ndarray._of(self._a.T))

    def __len__(self):
        if self._a.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._a)

    def __iter__(self):  # yields views: no synchronisation
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    # ------------------------------------------------------------ the host boundary
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")

    def get(self, stream=None, order="C", out=None, blocking=True):
        """A NumPy copy on the host: a synchronisation."""
        sync()
        if out is not None:
            out[...] = self._a
            return out
        return numpy.array(self._a, order=order)

    def item(self):
        if self._a.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.get().item()

    def tolist(self):
        return self.get().tolist()

    def __float__(self):
        return float(self.get())

    def __int__(self):
        return int(self.get())

    def __bool__(self):
        if self._a.size == 1:
            return bool(self.get())
        if self._a.size == 0:
            return False
        raise ValueError("The truth value of an array with more than one element is ambiguous. "
                         "Use a.any() or a.all()")

    def __repr__(self):
        return repr(self.get())

    def __str__(self):
        return str(self.get())

    def __format__(self, spec):
        return format(self.get(), spec)

    def __reduce__(self):
        return (_from_host, (self.get(),))

    def __copy__(self):
        return ndarray._of(self._a.copy())

    def __deepcopy__(self, memo):
        return ndarray._of(self._a.copy())

    # ------------------------------------------------------------ NumPy's protocols
    def __array_ufunc__(self, numpy_ufunc, method, *inputs, **kwargs):
        import cupy  # the stand-in's namespace: the ufunc of the same name, if CuPy has one
        func = getattr(cupy, numpy_ufunc.__name__, None)
        if func is None:
            return NotImplemented
        if method != "__call__":
            func = getattr(func, method, None)
            if func is None:
                return NotImplemented
        if "out" in kwargs:
            kwargs["out"] = kwargs["out"][0]
        for x in inputs:
            if not isinstance(x, (ndarray, numpy.ndarray) + SCALARS):
                return NotImplemented
        return func(*inputs, **kwargs)

    def __array_function__(self, numpy_function, types, args, kwargs):
        import cupy
        func = getattr(cupy, numpy_function.__name__, None)
        if func is None or not all(issubclass(t, (ndarray, numpy.ndarray)) for t in types):
            return NotImplemented
        return func(*args, **kwargs)

    # ------------------------------------------------------------ indexing
    def __getitem__(self, key):
        key = _index(key)
        return wrap(self._a[key])

    def __setitem__(self, key, value):
        _missing_library("nvrtc")
        self._a[_index(key)] = unwrap(value, host_ok=True)  # CuPy uploads a NumPy value

    # ------------------------------------------------------------ operators
    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("subtract"), _binary("subtract", True)
    __mul__, __rmul__ = _binary("multiply"), _binary("multiply", True)
    __truediv__, __rtruediv__ = _binary("true_divide"), _binary("true_divide", True)
    __floordiv__, __rfloordiv__ = _binary("floor_divide"), _binary("floor_divide", True)
    __mod__, __rmod__ = _binary("remainder"), _binary("remainder", True)
    __pow__, __rpow__ = _binary("power"), _binary("power", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __and__, __rand__ = _binary("bitwise_and"), _binary("bitwise_and", True)
    __or__, __ror__ = _binary("bitwise_or"), _binary("bitwise_or", True)
    __xor__, __rxor__ = _binary("bitwise_xor"), _binary("bitwise_xor", True)
    __lt__, __le__ = _binary("less"), _binary("less_equal")
    __gt__, __ge__ = _binary("greater"), _binary("greater_equal")
    __eq__, __ne__ = _binary("equal"), _binary("not_equal")
    __iadd__, __isub__, __imul__ = _inplace("add"), _inplace("subtract"), _inplace("multiply")
    __itruediv__, __ipow__ = _inplace("true_divide"), _inplace("power")

    def __neg__(self):
        return get_ufunc("negative")(self)

    def __pos__(self):
        return get_ufunc("positive")(self)

    def __abs__(self):
        return get_ufunc("absolute")(self)

    def __invert__(self):
        return get_ufunc("invert")(self)

    # ------------------------------------------------------------ methods
    def astype(self, dtype, order="K", casting=None, subok=None, copy=True):
        return ndarray._of(self._a.astype(dtype, order=order, copy=copy))

    def copy(self, order="C"):
        return ndarray._of(self._a.copy(order=order))

    def view(self, dtype=None):
        return ndarray._of(self._a.view() if dtype is None else self._a.view(dtype))

    def fill(self, value):
        self._a.fill(unwrap(value))

    def nonzero(self):
        sync()  # the number of results must reach the host before the output is allocated
        return wrap(self._a.nonzero())

    def sort(self, axis=-1):
        self._a.sort(axis=axis)

    def dot(self, b, out=None):
        return _METHODS["dot"](self, b)


def _from_host(a):
    return ndarray._of(numpy.array(a))


def _index(key):
    """An index for the NumPy array: the stand-in's arrays unwrapped; a boolean mask counts one
    synchronisation (CuPy reads how many elements it selects before allocating the result)."""
    keys = key if isinstance(key, tuple) else (key,)
    plain = []
    for k in keys:
        if isinstance(k, ndarray):
            if k.dtype == numpy.bool_:
                sync()
            k = k._a
        plain.append(k)
    return tuple(plain) if isinstance(key, tuple) else plain[0]


def _method(name):
    numpy_method = getattr(numpy.ndarray, name)
    return function(lambda self, *args, **kwargs: numpy_method(self, *args, **kwargs), name)


# methods that run a kernel and return arrays (reductions give 0-d arrays, as in CuPy)
_METHODS = {name: _method(name) for name in (
    "all", "any", "argmax", "argmin", "argsort", "clip", "conj", "cumprod", "cumsum", "diagonal",
    "dot", "flatten", "max", "mean", "min", "prod", "ravel", "repeat", "reshape", "round", "squeeze",
    "std", "sum", "swapaxes", "take", "trace", "transpose", "var")}
for _name in ("reshape", "transpose"):
    # these take the shape or the axes as separate ints too: a.reshape(2, 3)
    _METHODS[_name] = (lambda numpy_method: lambda self, *args, **kwargs: ndarray._of(
        numpy_method(self._a, *args, **kwargs)))(getattr(numpy.ndarray, _name))
for _name, _m in _METHODS.items():
    if _name != "dot":
        setattr(ndarray, _name, _m)
_METHODS["dot"] = function(numpy.dot, "dot", library="cublas")
