"""Training: the alternating GAN step, the loop around it, and checkpoints."""

from minigan.train.checkpoint import load_checkpoint, save_checkpoint
from minigan.train.loop import NonFiniteLossError, fit
from minigan.train.trainer import GANTrainer, grad_norm

__all__ = ["GANTrainer", "grad_norm", "fit", "NonFiniteLossError", "save_checkpoint", "load_checkpoint"]
