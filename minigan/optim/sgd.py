"""Stochastic gradient descent, with momentum and weight decay, as ``torch.optim.SGD``."""

from minigan import backend
from minigan.optim.optimizer import Optimizer


class SGD(Optimizer):
    """Stochastic gradient descent.

    Args:
        params: an iterable of Parameters.
        lr: the learning rate (finite, >= 0).
        momentum: the factor mu (finite, >= 0) of the velocity; 0 is plain gradient descent.
        weight_decay: the L2 penalty lambda (finite, >= 0), added to the gradient as lambda * p.

    Notes:
        For each parameter p with gradient g, as PyTorch does (no dampening, no Nesterov)::

            g = g + lambda * p
            v = g                      on the first step (momentum > 0)
            v = mu * v + g             afterwards
            p = p - lr * v             (p - lr * g without momentum)
    """

    hyperparameters = ("lr", "momentum", "weight_decay")
    state_names = ("momentum_buffer",)

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = self._check("momentum", momentum)
        self.weight_decay = self._check("weight_decay", weight_decay)

    def update(self, p, g, state):
        """One SGD step for ``p`` with gradient ``g`` (raw arrays), in place."""
        lr, mu, wd = float(self.lr), self.momentum, self.weight_decay  # floats keep float32 float32
        if wd != 0:
            g = g + wd * p.data  # gradient of the L2 penalty (wd / 2) |p|^2 added
        if mu != 0:
            if "momentum_buffer" not in state:
                xp = backend.get_array_module(g)
                state["momentum_buffer"] = xp.array(g)  # v = g, a copy: the gradient array stays the caller's
            else:
                state["momentum_buffer"] = mu * state["momentum_buffer"] + g  # v = mu v + g
            g = state["momentum_buffer"]  # step along the velocity
        p.data -= lr * g  # p = p - lr g
