"""Grids of images, as a figure and as an animated GIF of the same latents over training."""

import math

import numpy
from matplotlib.animation import PillowWriter
from matplotlib.figure import Figure


def tile(images, columns=None, gap=1):
    """Images (N, 1, H, W) or (N, H, W) in [-1, 1], tiled row by row into one array in [0, 1].

    The result is (rows (H + gap) - gap, columns (W + gap) - gap), the images separated by
    ``gap`` pixels of 0 (white on the plots); ``columns`` defaults to a square-ish grid.
    """
    images = numpy.asarray(images, dtype="float64")
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"tile: images must have shape (N, 1, H, W) or (N, H, W) with N >= 1, got {images.shape}")
    n, h, w = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    canvas = numpy.zeros((rows * (h + gap) - gap, columns * (w + gap) - gap))  # 0: white in gray_r
    for i, image in enumerate(numpy.clip((images + 1) / 2, 0, 1)):  # [-1, 1] -> [0, 1]
        r, c = divmod(i, columns)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
    return canvas


def _draw(ax, images, columns, title):
    ax.imshow(tile(images, columns), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize="small")


def save_image_grid(path, images, title="", columns=None):
    """Save images (N, 1, H, W) in [-1, 1] as one grid (dark strokes on white, like ink)."""
    fig = Figure(figsize=(5, 5.3))
    _draw(fig.add_subplot(), images, columns, title)
    fig.savefig(path, dpi=100, bbox_inches="tight")


def save_grid_animation(path, frames, columns=None, fps=4):
    """Save an animated GIF, one grid per ``(step, images)`` in ``frames``: the same latent
    vectors at each step, so each cell shows one sample improving over training."""
    fig = Figure(figsize=(4, 4.3))
    ax = fig.add_subplot()
    writer = PillowWriter(fps=fps)
    with writer.saving(fig, path, dpi=80):
        for step, images in frames:
            ax.clear()
            _draw(ax, images, columns, f"step {step}")
            writer.grab_frame()
