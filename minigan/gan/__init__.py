"""What makes a GAN of two networks: the adversarial objectives (``minigan.gan.losses``), and
walks through the generator's latent space (``minigan.gan.latent``)."""

from minigan.gan.latent import slerp
from minigan.gan.losses import (
    LOSSES, GANLoss, Hinge, LeastSquares, Minimax, NonSaturating, Wasserstein, get_loss,
)

__all__ = [
    "LOSSES", "get_loss", "GANLoss", "Minimax", "NonSaturating", "LeastSquares", "Hinge", "Wasserstein", "slerp",
]
