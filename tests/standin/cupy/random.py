"""``cupy.random`` as CuPy 13/14 have it: the ``Generator`` API and the legacy ``RandomState``.

The numbers come from NumPy's generators (CuPy's cuRAND streams are not modelled); the API
is CuPy's: ``Generator`` has exactly the methods of ``cupy/random/_generator_api.pyx`` (no
``permutation``, ``shuffle``, ``choice``, ``normal``, ``bytes``), a draw without ``size``
returns a 0-d array, ``random``/``standard_normal`` take float32 or float64 only, and neither
``Generator`` nor ``RandomState`` can save or restore its state.
"""

import numpy

from cupy._core import wrap


class BitGenerator:
    """CuPy's bit generators take a seed (int, ints or ``numpy.random.SeedSequence``) and a size."""

    _numpy_bits = numpy.random.PCG64

    def __init__(self, seed=None, *, size=-1):
        seed_seq = seed if isinstance(seed, numpy.random.SeedSequence) else numpy.random.SeedSequence(seed)
        self._generator = numpy.random.Generator(self._numpy_bits(seed_seq))
        self._size = size


class XORWOW(BitGenerator):
    """cuRAND's XORWOW (CuPy's default)."""


class MRG32k3a(BitGenerator):
    """cuRAND's MRG32k3a."""


class Philox4x3210(BitGenerator):
    """cuRAND's Philox4x32-10: modelled by NumPy's Philox."""

    _numpy_bits = numpy.random.Philox


def _float_dtype(dtype):
    dtype = numpy.dtype(dtype)
    if dtype.char not in "fd":
        raise TypeError("cupy.random only supports float32 and float64")
    return dtype


class Generator:
    """``cupy.random.Generator``: the distributions CuPy implements, and nothing else."""

    def __init__(self, bit_generator):
        self.bit_generator = bit_generator

    def _draw(self, method, *args, **kwargs):
        return wrap(numpy.asarray(getattr(self.bit_generator._generator, method)(*args, **kwargs)))

    def random(self, size=None, dtype=numpy.float64, out=None):
        """Uniform on [0, 1)."""
        return self._draw("random", size, dtype=_float_dtype(dtype))

    def uniform(self, low=0.0, high=1.0, size=None, dtype=numpy.float64):
        """Uniform on [low, high)."""
        return self._draw("uniform", low, high, size).astype(_float_dtype(dtype), copy=False)

    def integers(self, low, high=None, size=None, dtype=numpy.int64, endpoint=False):
        """Integers in [low, high)."""
        return self._draw("integers", low, high, size, dtype=dtype, endpoint=endpoint)

    def standard_normal(self, size=None, dtype=numpy.float64, out=None):
        """N(0, 1)."""
        return self._draw("standard_normal", size, dtype=_float_dtype(dtype))

    def standard_exponential(self, size=None, dtype=numpy.float64, method="inv", out=None):
        """Exp(1)."""
        return self._draw("standard_exponential", size, dtype=_float_dtype(dtype))

    def standard_gamma(self, shape, size=None, dtype=numpy.float64, out=None):
        """Gamma(shape, 1)."""
        return self._draw("standard_gamma", shape, size, dtype=_float_dtype(dtype))


def _distribution(name):
    def draw(self, *args, size=None):
        return self._draw(name, *args, size=size)
    draw.__name__ = name
    draw.__doc__ = f"Samples of NumPy's {name}, as CuPy's Generator.{name} returns them."
    return draw


for _name in ("beta", "binomial", "chisquare", "dirichlet", "exponential", "f", "gamma", "geometric",
              "hypergeometric", "logseries", "poisson", "power"):
    setattr(Generator, _name, _distribution(_name))


def default_rng(seed=None):
    """A ``Generator`` on ``XORWOW``, as CuPy's ``default_rng``."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed if isinstance(seed, BitGenerator) else XORWOW(seed))


class RandomState:
    """The legacy ``cupy.random.RandomState``: seedable, its state out of reach."""

    def __init__(self, seed=None):
        self.seed(seed)

    def seed(self, seed=None):
        """Reseed."""
        self._state = numpy.random.RandomState(seed)

    def _draw(self, method, *args, **kwargs):
        return wrap(numpy.asarray(getattr(self._state, method)(*args, **kwargs)))


def _legacy(name):
    def draw(self, *args, **kwargs):
        return self._draw(name, *args, **kwargs)
    draw.__name__ = name
    draw.__doc__ = f"NumPy's RandomState.{name}, as CuPy's."
    return draw


LEGACY = ("choice", "normal", "permutation", "rand", "randint", "randn", "random_sample", "standard_normal",
          "uniform")
for _name in LEGACY:
    setattr(RandomState, _name, _legacy(_name))


def shuffle(self, a):
    """Shuffle the CuPy array ``a`` in place."""
    a[...] = a[wrap(self._state.permutation(len(a)))]


RandomState.shuffle = shuffle
_random_state = None


def get_random_state():
    """The legacy generator the module-level functions draw from."""
    global _random_state
    if _random_state is None:
        _random_state = RandomState()
    return _random_state


def seed(seed=None):
    """Reseed the legacy generator."""
    get_random_state().seed(seed)


for _name in LEGACY:
    globals()[_name] = (lambda name: lambda *args, **kwargs: getattr(get_random_state(), name)(
        *args, **kwargs))(_name)
