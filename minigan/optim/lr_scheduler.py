"""Learning-rate schedules, as in ``torch.optim.lr_scheduler``."""


class LambdaLR:
    """Set ``optimizer.lr = base_lr * lr_lambda(step)`` at each ``step()``.

    Args:
        optimizer: the optimizer whose ``lr`` to set.
        lr_lambda: a function of the step count returning a factor, e.g.
            ``lambda t: 1 - t / total`` for a linear decay to 0.
        base_lr: the learning rate at factor 1 (default: the optimizer's current ``lr``).
        last_step: the step count so far (a resumed run passes its step).
    """

    def __init__(self, optimizer, lr_lambda, base_lr=None, last_step=0):
        self.optimizer, self.lr_lambda = optimizer, lr_lambda
        self.base_lr = optimizer.lr if base_lr is None else base_lr
        self.last_step = last_step
        optimizer.lr = self.base_lr * lr_lambda(last_step)

    def step(self):
        """Advance one step and set the learning rate for the next."""
        self.last_step += 1
        self.optimizer.lr = self.base_lr * self.lr_lambda(self.last_step)
