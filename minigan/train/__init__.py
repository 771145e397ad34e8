"""Training: the alternating GAN step, the loop around it, and checkpoints."""

from minigan.train.checkpoint import load_checkpoint, save_checkpoint
from minigan.train.loop import NonFiniteLossError, TrainingInterrupted, fit
from minigan.train.trainer import GANTrainer, grad_norm

__all__ = ["GANTrainer", "grad_norm", "fit", "NonFiniteLossError", "TrainingInterrupted", "save_checkpoint",
           "load_checkpoint"]
