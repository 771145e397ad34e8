"""minigan: a GAN engine in NumPy/CuPy whose every gradient is written out by hand.

The layout follows the architecture:

* ``minigan.backend``: NumPy or CuPy (``MINIGAN_BACKEND``), random numbers;
* ``minigan.autograd``: ``Tensor``, ``Function``, the reverse pass, primitive ops (exported here
  as PyTorch exports them: ``minigan.cat``, ``minigan.where``, ...), gradient checks,
  ``trace()`` (every op of a forward and backward pass, as a table);
* ``minigan.nn``: layers (``minigan.nn.functional`` holds their math), initialisation;
* ``minigan.optim``: SGD and Adam;
* ``minigan.gan``: the GAN losses; ``minigan.train``: the alternating trainer, checkpoints;
* ``minigan.data``: data sets; ``minigan.metrics``: scores of generated samples;
* ``minigan.plot``: figures (host-only, imported on demand: it loads matplotlib).
"""

from minigan import data, gan, memory, metrics, nn, optim, train
from minigan.autograd import Function, Tensor, grad, is_grad_enabled, no_grad, set_grad_enabled
from minigan.autograd import (
    abs, cat, chunk, clamp, logsumexp, max, maximum, min, minimum, split, sqrt, stack, where,
)
from minigan.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from minigan.autograd.trace import trace
from minigan.backend import BackendError, get_array_module, manual_seed, to_numpy
from minigan.factories import ones, rand, randn, zeros

__version__ = "0.1.0"

memory.keep_freed_memory()  # once per process; why: minigan/memory.py

__all__ = [
    "Tensor", "Function", "grad", "no_grad", "set_grad_enabled", "is_grad_enabled",
    "gradcheck", "gradgradcheck", "GradcheckError", "trace",
    "BackendError", "get_array_module", "manual_seed", "to_numpy",
    "randn", "rand", "zeros", "ones", "nn", "optim", "gan", "train", "data", "metrics",
    "cat", "stack", "split", "chunk", "where", "maximum", "minimum", "clamp", "abs", "sqrt",
    "max", "min", "logsumexp",
]
