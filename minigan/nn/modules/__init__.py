"""minigan's layers: ``Module`` subclasses that hold parameters and call ``minigan.nn.functional``."""

from minigan.nn.modules.activation import ELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from minigan.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from minigan.nn.modules.container import ModuleList, Sequential
from minigan.nn.modules.conv import Conv2d, ConvTranspose2d
from minigan.nn.modules.dropout import Dropout
from minigan.nn.modules.flatten import Flatten, Unflatten
from minigan.nn.modules.instancenorm import InstanceNorm2d
from minigan.nn.modules.linear import Identity, Linear
from minigan.nn.modules.module import Module, Parameter
from minigan.nn.modules.padding import ReflectionPad2d
from minigan.nn.modules.pooling import AvgPool2d
from minigan.nn.modules.sparse import Embedding
from minigan.nn.modules.upsampling import Upsample

__all__ = [
    "Module", "Parameter", "Sequential", "ModuleList", "Identity", "Linear", "Conv2d",
    "ConvTranspose2d", "BatchNorm1d", "BatchNorm2d", "InstanceNorm2d", "Embedding", "Dropout",
    "ReLU", "LeakyReLU", "ELU", "Tanh", "Sigmoid", "Softmax", "Flatten", "Unflatten", "Upsample",
    "ReflectionPad2d", "AvgPool2d",
]
