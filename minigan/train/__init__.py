"""Training: the alternating GAN step (unconditional, conditional and InfoGAN), the loop around it, and checkpoints."""

from minigan.train.checkpoint import load_checkpoint, save_checkpoint
from minigan.train.conditional import ConditionalGANTrainer
from minigan.train.infogan import InfoGANTrainer
from minigan.train.loop import NonFiniteLossError, TrainingInterrupted, fit
from minigan.train.semisupervised import SemiSupervisedGANTrainer
from minigan.train.trainer import GANTrainer, grad_norm

__all__ = ["GANTrainer", "ConditionalGANTrainer", "InfoGANTrainer", "SemiSupervisedGANTrainer", "grad_norm", "fit",
           "NonFiniteLossError", "TrainingInterrupted", "save_checkpoint", "load_checkpoint"]
