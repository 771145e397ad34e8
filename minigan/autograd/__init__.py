"""The autodiff core: ``Tensor``, ``Function``, the reverse pass and the primitive ops."""

from minigan.autograd import ops
from minigan.autograd.engine import grad
from minigan.autograd.function import Function
from minigan.autograd.grad_mode import is_grad_enabled, no_grad, set_grad_enabled
from minigan.autograd.tensor import Tensor

__all__ = ["Tensor", "Function", "grad", "no_grad", "set_grad_enabled", "is_grad_enabled", "ops"]
