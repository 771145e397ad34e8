"""``Dropout``: random zeros in training mode, the identity in evaluation mode."""

from minigan.nn import functional as F
from minigan.nn.functional.dropout import check_probability
from minigan.nn.modules.module import Module


class Dropout(Module):
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) while
    training (``model.train()``); pass the input through unchanged after ``model.eval()``.

    Args:
        p: the probability of dropping an element, in [0, 1).

    Shapes: any (*) -> the same (*). The semi-supervised GAN's discriminator uses it.
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = check_probability(p)  # at construction, not only at the first forward

    def forward(self, x):
        """y = dropout(x, p) in training mode, x in evaluation mode."""
        self._check_input(x, "(*) (any shape)", lambda s: True)
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"p={self.p}"
