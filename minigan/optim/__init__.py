"""Optimizers: they update parameters in place from their gradients (``optimizer.step()``)."""

from minigan.optim.adam import Adam
from minigan.optim.lr_scheduler import LambdaLR
from minigan.optim.optimizer import Optimizer
from minigan.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "LambdaLR"]
