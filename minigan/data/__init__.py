"""Data to train GANs on: the 2D Gaussian mixtures of the mode-collapse benchmarks."""

from minigan.data.toy2d import DATASETS, GaussianMixture, get_dataset, grid, ring

__all__ = ["GaussianMixture", "ring", "grid", "DATASETS", "get_dataset"]
from minigan.data.images import (
    BatchSampler, ImageData, load_digits, load_idx_folder, load_idx_split, read_idx, to_unit_range,
)

__all__ += ["read_idx", "to_unit_range", "ImageData", "load_digits", "load_idx_split", "load_idx_folder",
            "BatchSampler"]
