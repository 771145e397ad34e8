"""Neural-network building blocks: layers (``Module``\\ s), their math and initialisation.

* ``minigan.nn.functional`` (``from minigan.nn import functional as F``): the math, as
  functions of tensors with hand-written backward passes;
* the layers below: ``Module``\\ s that hold parameters and call those functions;
* ``minigan.nn.init``: in-place initialisers;
* ``minigan.nn.utils``: ``spectral_norm``.
"""

from minigan.nn import functional, init, utils
from minigan.nn.modules import (
    ELU, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Embedding, Flatten,
    Identity, InstanceNorm2d, LeakyReLU, Linear, Module, ModuleList, Parameter, ReflectionPad2d,
    ReLU, Sequential, Sigmoid, Softmax, Tanh, Unflatten, Upsample,
)

__all__ = [
    "functional", "init", "utils", "Module", "Parameter", "Sequential", "ModuleList", "Identity",
    "Linear", "Conv2d", "ConvTranspose2d", "BatchNorm1d", "BatchNorm2d", "InstanceNorm2d",
    "Embedding", "Dropout", "ReLU", "LeakyReLU", "ELU", "Tanh", "Sigmoid", "Softmax", "Flatten",
    "Unflatten", "Upsample", "ReflectionPad2d", "AvgPool2d",
]
