"""Neural-network building blocks: layers (``Module``\\ s), their math and initialisation.

* ``minigan.nn.functional`` (``from minigan.nn import functional as F``): the math, as
  functions of tensors with hand-written backward passes;
* the layers below: ``Module``\\ s that hold parameters and call those functions;
* ``minigan.nn.init``: in-place initialisers and ``dcgan_init_``.
"""

from minigan.nn import functional, init
from minigan.nn.modules import (
    BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, Module,
    Parameter, ReLU, Sequential, Sigmoid, Tanh, Unflatten,
)

__all__ = [
    "functional", "init", "Module", "Parameter", "Sequential", "Linear", "Conv2d",
    "ConvTranspose2d", "BatchNorm1d", "BatchNorm2d", "ReLU", "LeakyReLU", "Tanh", "Sigmoid",
    "Flatten", "Unflatten",
]
