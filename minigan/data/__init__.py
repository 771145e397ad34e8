"""Data to train GANs on: the 2D Gaussian mixtures of the mode-collapse benchmarks, and real
images (scikit-learn's 8x8 digits, MNIST-style IDX files), and the digits in two domains
(plain, and blended into photos) for image-to-image translation."""

from minigan.data.images import (
    BatchSampler, ImageData, load_digits, load_idx_folder, load_idx_split, read_idx, to_unit_range,
)
from minigan.data.labels import split_labelled
from minigan.data.translation import (
    PairedImages, UnpairedSampler, load_digits_on_photos, unpaired_halves,
)
from minigan.data.toy2d import DATASETS, GaussianMixture, get_dataset, grid, ring

__all__ = ["GaussianMixture", "ring", "grid", "DATASETS", "get_dataset",
           "read_idx", "to_unit_range", "ImageData", "load_digits", "load_idx_split", "load_idx_folder",
           "BatchSampler", "split_labelled",
           "PairedImages", "UnpairedSampler", "load_digits_on_photos", "unpaired_halves"]
