"""The math of minigan's layers: functions of tensors, each with a hand-written backward.

Modules (``minigan.nn``) hold parameters and call these; these never know about modules.
"""

from minigan.nn.functional.activation import elu, leaky_relu, relu, sigmoid, softplus, tanh
from minigan.nn.functional.batchnorm import batch_norm
from minigan.nn.functional.conv import conv2d, conv_transpose2d
from minigan.nn.functional.dropout import dropout
from minigan.nn.functional.embedding import embedding, one_hot
from minigan.nn.functional.instancenorm import instance_norm
from minigan.nn.functional.linear import linear
from minigan.nn.functional.loss import (
    binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss, nll_loss,
)
from minigan.nn.functional.padding import pad
from minigan.nn.functional.pooling import avg_pool2d
from minigan.nn.functional.softmax import log_softmax, softmax
from minigan.nn.functional.upsampling import interpolate

__all__ = [
    "linear", "conv2d", "conv_transpose2d", "batch_norm", "instance_norm", "relu", "leaky_relu",
    "elu", "tanh", "sigmoid", "softplus", "softmax", "log_softmax", "dropout", "embedding",
    "one_hot", "interpolate", "pad", "avg_pool2d",
    "binary_cross_entropy_with_logits", "mse_loss", "l1_loss", "nll_loss", "cross_entropy",
]
