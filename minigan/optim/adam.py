"""Adam (Kingma & Ba, 2015), with L2 weight decay, as ``torch.optim.Adam``."""

from minigan import backend
from minigan.optim.optimizer import Optimizer


class Adam(Optimizer):
    """Adam: per-parameter steps scaled by running averages of the gradient and its square.

    Args:
        params: an iterable of Parameters.
        lr: the learning rate (finite, >= 0). DCGAN uses 2e-4.
        betas: (beta1, beta2), each in [0, 1): the decay rates of the two averages.
            DCGAN uses (0.5, 0.999). Kept as ``beta1`` and ``beta2``.
        eps: added to the denominator (finite, >= 0) so that it never divides by zero.
        weight_decay: the L2 penalty lambda (finite, >= 0), added to the gradient (not AdamW's
            decoupled decay).

    Notes:
        For each parameter p with gradient g, at its t-th step (t counts from 1)::

            g = g + lambda * p
            m = beta1 * m + (1 - beta1) * g          (m, v start at 0)
            v = beta2 * v + (1 - beta2) * g^2
            p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

        Dividing by (1 - beta^t) undoes the pull towards the zeros m and v started at.
    """

    hyperparameters = ("lr", "beta1", "beta2", "eps", "weight_decay")
    ranges = {"beta1": (0.0, 1.0), "beta2": (0.0, 1.0)}
    state_names = ("step", "exp_avg", "exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = self._check("betas[0]", betas[0], "beta1")
        self.beta2 = self._check("betas[1]", betas[1], "beta2")
        self.eps = self._check("eps", eps)
        self.weight_decay = self._check("weight_decay", weight_decay)

    @property
    def betas(self):
        """(beta1, beta2)."""
        return self.beta1, self.beta2

    def update(self, p, g, state):
        """One Adam step for ``p`` with gradient ``g`` (raw arrays), in place."""
        xp = backend.get_array_module(p.data)
        lr, b1, b2, eps, wd = float(self.lr), self.beta1, self.beta2, self.eps, self.weight_decay
        if not state:
            state.update(step=0, exp_avg=xp.zeros_like(p.data), exp_avg_sq=xp.zeros_like(p.data))
        state["step"] += 1
        t = state["step"]
        if wd != 0:
            g = g + wd * p.data  # gradient of the L2 penalty (wd / 2) |p|^2 added
        # in place on the state and on fresh temporaries, in the order of the formulas above
        # (the same roundings): no new (m, v) arrays each step
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1 - b1) * g  # m = b1 m + (1 - b1) g
        v *= b2
        v += (1 - b2) * g * g  # v = b2 v + (1 - b2) g^2
        denom = v / (1 - b2 ** t)  # bias-corrected second moment v_hat...
        xp.sqrt(denom, out=denom)
        denom += eps  # ...as sqrt(v_hat) + eps
        step = m / (1 - b1 ** t)  # bias-corrected first moment m_hat...
        step *= lr
        step /= denom  # ...as lr m_hat / (sqrt(v_hat) + eps)
        p.data -= step  # p = p - lr m_hat / (sqrt(v_hat) + eps)
