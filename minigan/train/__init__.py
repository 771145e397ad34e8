"""Training: the alternating GAN step (unconditional, conditional, InfoGAN, BEGAN;
pix2pix and CycleGAN's translations), the loop around it, and checkpoints."""

from minigan.train.began import BEGANTrainer
from minigan.train.checkpoint import load_checkpoint, save_checkpoint
from minigan.train.conditional import ConditionalGANTrainer
from minigan.train.infogan import InfoGANTrainer
from minigan.train.loop import NonFiniteLossError, TrainingInterrupted, fit
from minigan.train.semisupervised import SemiSupervisedGANTrainer
from minigan.train.trainer import GANTrainer, grad_norm
from minigan.train.translation import CycleGANTrainer, ImagePool, Pix2PixTrainer, TranslationTrainer

__all__ = ["GANTrainer", "BEGANTrainer", "ConditionalGANTrainer", "InfoGANTrainer", "SemiSupervisedGANTrainer",
           "TranslationTrainer", "Pix2PixTrainer", "CycleGANTrainer", "ImagePool", "grad_norm", "fit",
           "NonFiniteLossError", "TrainingInterrupted", "save_checkpoint", "load_checkpoint"]
