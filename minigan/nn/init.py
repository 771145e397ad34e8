"""Parameter initialisation: in-place fillers for Tensors (DCGAN's scheme for a whole model is
``minigan.models.dcgan.dcgan_init_``).

The fillers write into ``tensor.data`` in place, keep its dtype and backend, draw from the
seeded generator of the tensor's backend (``backend.rng``, ``minigan.manual_seed``) and return
the tensor. No graph is recorded: initialisation is not part of what is learned.
"""

import math

from minigan import backend


def _rng(tensor):
    """The seeded generator of the backend ``tensor`` lives on (not the selected one: a model
    built on one backend and moved may be re-initialised)."""
    return backend.rng(backend.get_array_module(tensor.data))


def uniform_(tensor, a=0.0, b=1.0):
    """Fill ``tensor`` with samples from U(a, b); returns it."""
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    u = _rng(tensor).random(tensor.shape, dtype=tensor.dtype)  # U(0, 1) in the tensor's dtype
    tensor.data[...] = a + (b - a) * u  # Python floats a, b do not promote float32
    return tensor


def normal_(tensor, mean=0.0, std=1.0):
    """Fill ``tensor`` with samples from N(mean, std^2); returns it."""
    if std < 0:
        raise ValueError(f"normal_ needs std >= 0, got {std}")
    z = _rng(tensor).standard_normal(tensor.shape, dtype=tensor.dtype)  # N(0, 1)
    tensor.data[...] = mean + std * z
    return tensor


def zeros_(tensor):
    """Fill ``tensor`` with 0; returns it."""
    tensor.data[...] = 0
    return tensor


def ones_(tensor):
    """Fill ``tensor`` with 1; returns it."""
    tensor.data[...] = 1
    return tensor


def fan_in(shape):
    """The number of inputs feeding each output, as PyTorch computes it from a weight shape:
    ``shape[1] * kh * kw`` for (out, in, kh, kw) or ``shape[1]`` for (out, in).

    For a ConvTranspose2d weight (in, out, kh, kw) this is ``out * kh * kw``: PyTorch applies
    the same formula to the transposed layout, and minigan follows it so that a seed gives
    the same statistics in both.
    """
    if len(shape) < 2:
        raise ValueError(f"fan_in needs a weight with at least 2 dimensions, got shape {tuple(shape)}")
    return shape[1] * math.prod(shape[2:])


def default_uniform_(weight, bias=None):
    """PyTorch's default for Linear and convolutions: weight and bias from U(-k, k),
    k = 1 / sqrt(fan_in); returns the weight.

    PyTorch writes the weight's as ``kaiming_uniform_(a=sqrt(5))``: its bound
    gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + a^2)) = sqrt(1/3) is the same k.
    """
    bound = 1.0 / math.sqrt(fan_in(weight.shape))
    uniform_(weight, -bound, bound)
    if bias is not None:
        uniform_(bias, -bound, bound)
    return weight
