"""The math of minigan's layers: functions of tensors, each with a hand-written backward.

Modules (``minigan.nn``) hold parameters and call these; these never know about modules.
"""

from minigan.nn.functional.batchnorm import batch_norm
from minigan.nn.functional.conv import conv2d, conv_transpose2d
from minigan.nn.functional.activation import leaky_relu, relu, sigmoid, softplus, tanh
from minigan.nn.functional.linear import linear
from minigan.nn.functional.loss import binary_cross_entropy_with_logits, mse_loss

__all__ = [
    "linear", "conv2d", "conv_transpose2d", "batch_norm", "relu", "leaky_relu", "tanh", "sigmoid", "softplus",
    "binary_cross_entropy_with_logits", "mse_loss",
]
