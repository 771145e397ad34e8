"""The array backend: NumPy by default, CuPy with ``MINIGAN_BACKEND=cupy``.

This is the only module that imports ``numpy`` or ``cupy`` by name. Everything else asks
it for an array module:

* ``get_array_module(*arrays)`` picks the module from the data (an op on CuPy arrays runs
  on CuPy), so one code path serves both backends;
* ``xp()`` is the module of the *selected* backend, used by factories (parameter
  initialisation, noise, data) that create arrays from nothing;
* ``to_numpy(a)`` converts at the host boundary (plots, files).

Random numbers come from one seedable generator per backend (``manual_seed``).
"""

import os

import numpy

ENV_VAR = "MINIGAN_BACKEND"
CHOICES = ("numpy", "cupy")


class BackendError(RuntimeError):
    """A backend that cannot be used, or arrays from two backends in one computation."""


def _load_cupy():
    """Import CuPy and check that a CUDA device is usable, or say how to get one."""
    try:
        import cupy
    except ImportError as err:
        raise BackendError(
            f"{ENV_VAR}=cupy but CuPy is not installed ({err}). "
            'Install it with: pip install "minigan[gpu]" (a CUDA GPU is needed), '
            f"or unset {ENV_VAR} to use NumPy."
        ) from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CUDA driver missing or broken: CuPy raises its own types
        raise BackendError(
            f"{ENV_VAR}=cupy but no CUDA device is usable ({err}). "
            f"A CUDA GPU is needed; unset {ENV_VAR} to use NumPy."
        ) from None
    if count == 0:
        raise BackendError(
            f"{ENV_VAR}=cupy but no CUDA device was found. "
            f"A CUDA GPU is needed; unset {ENV_VAR} to use NumPy."
        )
    return cupy


_cupy = None          # the cupy module once a CuPy backend has been selected
_name = "numpy"       # the selected backend
_rngs = {}            # one generator per backend name


def set_backend(name):
    """Select the backend that factories create arrays on: ``"numpy"`` or ``"cupy"``.

    The environment variable ``MINIGAN_BACKEND`` calls this once at import. Arrays that
    already exist stay where they are; operations follow their inputs.
    """
    global _cupy, _name
    if name not in CHOICES:
        raise BackendError(
            f"{ENV_VAR}={name!r} is not a backend; choose one of {', '.join(CHOICES)}."
        )
    if name == "cupy" and _cupy is None:
        _cupy = _load_cupy()
    _name = name


def get_backend():
    """The name of the selected backend."""
    return _name


def cupy_available():
    """``(True, "")`` when the CuPy backend can be used here, else ``(False, reason)``."""
    try:
        _load_cupy()
    except BackendError as err:
        return False, str(err)
    return True, ""


def xp():
    """The array module of the selected backend (``numpy`` or ``cupy``)."""
    return _cupy if _name == "cupy" else numpy


def _is_cupy(a):
    return _cupy is not None and isinstance(a, _cupy.ndarray)


def get_array_module(*arrays):
    """The array module that ``arrays`` live on; raises if they mix NumPy and CuPy.

    Python scalars and ``None`` are ignored. This is how an operation stays
    backend-agnostic: ``xp = get_array_module(x, W)`` and then ``xp.matmul(...)``.
    """
    if _cupy is None:  # CuPy never loaded: nothing can be a CuPy array
        return numpy
    on_gpu = [_is_cupy(a) for a in arrays if isinstance(a, (numpy.ndarray, _cupy.ndarray))]
    if all(on_gpu):
        return _cupy if on_gpu else xp()
    if any(on_gpu):
        kinds = ", ".join("cupy" if g else "numpy" for g in on_gpu)
        raise BackendError(
            f"arrays from two backends in one operation ({kinds}); move them to one "
            "backend first (minigan.backend.to_numpy, or create them under one "
            f"{ENV_VAR})."
        )
    return numpy


def asarray(data, dtype=None):
    """``data`` as an array of the selected backend (arrays already on a backend stay)."""
    if isinstance(data, numpy.ndarray) or _is_cupy(data):
        return data if dtype is None else data.astype(dtype, copy=False)
    return xp().asarray(data, dtype=dtype)


def to_numpy(a):
    """A NumPy copy (or view) of ``a`` for host-only code: plots, files, printing."""
    if _is_cupy(a):
        return _cupy.asnumpy(a)
    return numpy.asarray(a)


# ---------------------------------------------------------------- random numbers

def rng():
    """The random generator of the selected backend (``numpy``/``cupy`` ``Generator``)."""
    if _name not in _rngs:
        _rngs[_name] = xp().random.default_rng()
    return _rngs[_name]


def manual_seed(seed):
    """Seed the generator of every backend: the same seed gives the same run."""
    if not isinstance(seed, (int, numpy.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed expects a non-negative integer, got {seed!r}")
    _rngs.clear()
    _rngs["numpy"] = numpy.random.default_rng(int(seed))
    if _cupy is not None:
        _rngs["cupy"] = _cupy.random.default_rng(int(seed))


def get_rng_state():
    """The selected backend's generator state as JSON-safe data, for checkpoints.

    NumPy's state is exact, so a resumed run repeats the uninterrupted one. CuPy's generator
    does not expose its state: ``None`` is returned there (see ``set_rng_state``).
    """
    if _name == "cupy":
        return None
    return rng().bit_generator.state


def set_rng_state(state, fallback_seed=0):
    """Restore a state from ``get_rng_state``; ``None`` reseeds with ``fallback_seed``."""
    if state is None:
        _rngs[_name] = xp().random.default_rng(fallback_seed)
        return
    if _name == "cupy":
        raise BackendError("this checkpoint holds a NumPy generator state; it cannot seed CuPy's generator")
    generator = numpy.random.default_rng()
    try:
        generator.bit_generator.state = state
    except (TypeError, ValueError, KeyError) as err:
        raise ValueError(f"not a generator state from minigan's NumPy backend: {err}") from None
    _rngs[_name] = generator


set_backend(os.environ.get(ENV_VAR) or "numpy")
