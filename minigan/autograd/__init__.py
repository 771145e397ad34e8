"""The autodiff core: ``Tensor``, ``Function``, the reverse pass and the primitive ops.

``ops`` holds the arithmetic; ``join`` (cat, stack, split, chunk), ``select`` (where,
maximum, minimum, clamp) and ``reductions`` (max, min, logsumexp) the rest. Importing them
attaches their ``Tensor`` methods.
"""

from minigan.autograd import join, ops, reductions, select
from minigan.autograd.join import cat, chunk, split, stack
from minigan.autograd.ops import abs, sqrt
from minigan.autograd.reductions import logsumexp, max, min
from minigan.autograd.select import clamp, maximum, minimum, where
from minigan.autograd.engine import grad
from minigan.autograd.function import Function
from minigan.autograd.grad_mode import is_grad_enabled, no_grad, set_grad_enabled
from minigan.autograd.tensor import Tensor

__all__ = ["Tensor", "Function", "grad", "no_grad", "set_grad_enabled", "is_grad_enabled", "ops",
           "join", "select", "reductions", "cat", "stack", "split", "chunk", "where", "maximum",
           "minimum", "clamp", "abs", "sqrt", "max", "min", "logsumexp"]
