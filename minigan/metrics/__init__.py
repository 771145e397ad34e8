"""Measures of a trained GAN: mode coverage on the 2D Gaussian mixtures."""

from minigan.metrics.modes import mode_metrics

__all__ = ["mode_metrics"]
