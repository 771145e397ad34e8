"""minigan's layers: ``Module`` subclasses that hold parameters and call ``minigan.nn.functional``."""

from minigan.nn.modules.activation import LeakyReLU, ReLU, Sigmoid, Tanh
from minigan.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from minigan.nn.modules.container import Sequential
from minigan.nn.modules.conv import Conv2d, ConvTranspose2d
from minigan.nn.modules.flatten import Flatten, Unflatten
from minigan.nn.modules.linear import Linear
from minigan.nn.modules.module import Module, Parameter

__all__ = [
    "Module", "Parameter", "Sequential", "Linear", "Conv2d", "ConvTranspose2d",
    "BatchNorm1d", "BatchNorm2d", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Flatten", "Unflatten",
]
