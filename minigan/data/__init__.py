"""Data to train GANs on: the 2D Gaussian mixtures of the mode-collapse benchmarks."""

from minigan.data.toy2d import DATASETS, GaussianMixture, get_dataset, grid, ring

__all__ = ["GaussianMixture", "ring", "grid", "DATASETS", "get_dataset"]
