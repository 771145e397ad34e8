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

import contextlib
import os
import re

import numpy

ENV_VAR = "MINIGAN_BACKEND"
CHOICES = ("numpy", "cupy")


class BackendError(RuntimeError):
    """A backend that cannot be used, or arrays from two backends in one computation."""


def _load_cupy():
    """Import CuPy and check that it can run here, or say what is missing and how to get it."""
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
    _smoke_test(cupy)
    return cupy


def _smoke_test(cupy):
    """Run what a training step needs once: an elementwise kernel (compiled by NVRTC), a matrix
    product (cuBLAS), a draw from the generator and a copy back to the host.

    CuPy loads its CUDA libraries lazily, so without this a missing one would surface as a
    traceback at the first kernel of the first step instead of here, as one line.
    """
    try:
        a = cupy.arange(4, dtype="float32").reshape(2, 2)
        b = (a * 2 + 1) @ a + _cupy_generator(cupy, 0, 0).standard_normal((2, 2), dtype="float32")
        b.get()  # kernels run asynchronously: their errors arrive at the next synchronisation
    except Exception as err:  # CuPy reports a missing library as RuntimeError, ImportError or its own types
        library = re.search(r"lib[a-z]+\.so[.\d]*", str(err))
        missing = f"the CUDA library {library.group(0)} is missing" if library else "a CUDA call failed"
        raise BackendError(
            f"{ENV_VAR}=cupy but CuPy cannot run a kernel here: {missing} ({type(err).__name__}: {err}). "
            'Install the CUDA libraries CuPy loads with pip install "cupy-cuda12x[ctk]" '
            '("cupy-cuda13x[ctk]" for a CUDA 13 driver) or the CUDA Toolkit, '
            f"or unset {ENV_VAR} to use NumPy."
        ) from None


_cupy = None          # the cupy module once it has been loaded and has run its smoke test
_cupy_problem = None  # why it cannot be loaded, once that has been found out
_name = "numpy"       # the selected backend


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
    """``(True, "")`` when the CuPy backend can be used here, else ``(False, reason)``.

    The answer is found once (importing CuPy and running the smoke test) and remembered.
    """
    global _cupy, _cupy_problem
    if _cupy is None and _cupy_problem is None:
        try:
            _cupy = _load_cupy()
        except BackendError as err:
            _cupy_problem = str(err)
    return _cupy is not None, _cupy_problem or ""


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
    """``data`` as an array of the selected backend (arrays already on a backend stay).

    A NumPy scalar (what NumPy's reductions return) is NumPy data: it becomes a 0-d NumPy
    array, so that a computation on NumPy stays there whichever backend is selected.
    """
    if isinstance(data, numpy.ndarray) or _is_cupy(data):
        return data if dtype is None else data.astype(dtype, copy=False)
    if isinstance(data, numpy.generic):
        return numpy.asarray(data, dtype=dtype)
    return xp().asarray(data, dtype=dtype)


def to_numpy(a):
    """A NumPy copy (or view) of ``a`` for host-only code: plots, files, printing."""
    if _is_cupy(a):
        return _cupy.asnumpy(a)
    return numpy.asarray(a)


# ---------------------------------------------------------------- random numbers
#
# A seed fixes every draw, and a checkpoint holds the generator's exact state, so that a
# resumed run repeats the uninterrupted one on either backend. NumPy's generator exposes its
# state. CuPy's keeps it on the GPU, out of reach, so on CuPy every draw takes a generator of
# its own, keyed by the seed and the number of draws made before it: the state is those two
# numbers. Making one costs a small kernel (Philox needs no warm-up, unlike CuPy's default XORWOW).

CUPY_BIT_GENERATOR = "minigan-cupy-philox"  # the name of the (seed, draws) state, in checkpoints
CUPY_THREADS = 2**14  # Philox streams per CuPy generator: each draw spreads its samples over them

_seed = None        # the seed given to manual_seed (None: fresh entropy)
_numpy_rng = None   # NumPy's generator, made on first use
_cupy_draws = 0     # how many CuPy generators have been handed out since the seed


def _cupy_generator(cupy, seed, draws):
    """A CuPy generator for draw number ``draws`` after ``seed``: the same two numbers, the same samples."""
    key = numpy.random.SeedSequence([seed, draws])  # mixes both into a well-spread key
    return cupy.random.Generator(cupy.random.Philox4x3210(key, size=CUPY_THREADS))


def rng(module=None):
    """A random generator (a ``numpy``/``cupy`` ``Generator``) on ``module``'s backend.

    ``module`` defaults to the selected backend's; pass ``get_array_module(a)`` to draw
    on the backend of an array ``a``. On CuPy each call gives the next generator of the
    seeded sequence: use it for the draws of one operation, then ask again.
    """
    global _numpy_rng, _cupy_draws
    if module is None:
        module = xp()
    if module is numpy:
        if _numpy_rng is None:
            _numpy_rng = numpy.random.default_rng(_seed)
        return _numpy_rng
    _cupy_draws += 1
    return _cupy_generator(module, _cupy_seed(), _cupy_draws - 1)


def _cupy_seed():
    """The seed of CuPy's draws; unseeded, one is drawn from fresh entropy now, so that it can be saved."""
    global _seed
    if _seed is None:
        _seed = int(numpy.random.SeedSequence().generate_state(1)[0])
    return _seed


def permutation(n):
    """A random permutation of ``0 .. n-1`` on the selected backend, from ``rng()``."""
    generator = rng()
    if hasattr(generator, "permutation"):
        return generator.permutation(n)
    # CuPy's Generator has no permutation: sorting n uniform keys gives one (a tie, which
    # would favour the first index, has probability below n^2 / 2^53 in float64)
    return xp().argsort(generator.random(n))


def manual_seed(seed):
    """Seed the generator of every backend: the same seed gives the same run."""
    global _seed, _numpy_rng, _cupy_draws
    if not isinstance(seed, (int, numpy.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed expects a non-negative integer, got {seed!r}")
    _seed, _numpy_rng, _cupy_draws = int(seed), None, 0


def get_rng_state():
    """The selected backend's generator state as JSON-safe data, for checkpoints.

    On NumPy it is the bit generator's state; on CuPy the seed and the number of draws made.
    Either way ``set_rng_state`` continues exactly where this left off.
    """
    if _name == "cupy":
        return {"bit_generator": CUPY_BIT_GENERATOR, "seed": _cupy_seed(), "draws": _cupy_draws}
    return rng(numpy).bit_generator.state


def set_rng_state(state, fallback_seed=0):
    """Restore a state from ``get_rng_state``; ``None`` reseeds with ``fallback_seed``."""
    global _numpy_rng, _seed, _cupy_draws
    if state is None:
        manual_seed(fallback_seed)
        return
    kind = state.get("bit_generator") if isinstance(state, dict) else None
    if (kind == CUPY_BIT_GENERATOR) != (_name == "cupy"):
        raise BackendError(f"this generator state ({kind}) is not from the {_name} backend's generator")
    if _name == "cupy":
        seed, draws = state.get("seed"), state.get("draws")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (seed, draws)):
            raise ValueError(f"not a generator state from minigan's CuPy backend: {state!r}")
        _seed, _cupy_draws = seed, draws
        return
    generator = numpy.random.default_rng()
    try:
        generator.bit_generator.state = state
    except (TypeError, ValueError, KeyError, OverflowError) as err:
        raise ValueError(f"not a generator state from minigan's NumPy backend: {err}") from None
    _numpy_rng = generator


@contextlib.contextmanager
def fork_rng(enabled=True):
    """A block whose random draws leave the selected backend's generator as they found it, like
    ``torch.random.fork_rng``: an evaluation inside it does not change what training draws next."""
    state = get_rng_state() if enabled else None
    try:
        yield
    finally:
        if enabled:
            set_rng_state(state)


set_backend(os.environ.get(ENV_VAR) or "numpy")
