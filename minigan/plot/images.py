"""Grids of images, as a figure and as an animated GIF of the same latents over training."""

import math

import numpy
from matplotlib.animation import PillowWriter
from matplotlib.figure import Figure


def tile(images, columns=None, gap=1):
    """Images (N, 1, H, W) or (N, H, W), or colour images (N, 3, H, W), in [-1, 1], tiled row by
    row into one array in [0, 1].

    The result is (rows (H + gap) - gap, columns (W + gap) - gap), and (..., 3) for colour, the
    images separated by ``gap`` pixels of white (0 in gray_r, 1 in RGB); ``columns`` defaults to
    a square-ish grid.
    """
    images = numpy.asarray(images, dtype="float64")
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    colour = images.ndim == 4 and images.shape[1] == 3
    if colour:
        images = images.transpose(0, 2, 3, 1)  # (N, H, W, 3), as imshow reads RGB
    if (images.ndim != 3 and not colour) or images.shape[0] == 0:
        raise ValueError(f"tile: images must have shape (N, 1, H, W), (N, H, W) or (N, 3, H, W) with N >= 1, "
                         f"got {images.shape}")
    n, h, w = images.shape[:3]
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    canvas = numpy.full((rows * (h + gap) - gap, columns * (w + gap) - gap, *images.shape[3:]), float(colour))
    for i, image in enumerate(numpy.clip((images + 1) / 2, 0, 1)):  # [-1, 1] -> [0, 1]
        r, c = divmod(i, columns)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
    return canvas


def _draw(ax, images, columns, title):
    canvas = tile(images, columns)
    # gray images as ink (dark strokes on white); colour ones as they are
    ax.imshow(canvas, cmap=None if canvas.ndim == 3 else "gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title, fontsize="small")


def save_image_grid(path, images, title="", columns=None):
    """Save images (N, 1, H, W) in [-1, 1] as one grid (dark strokes on white, like ink), or colour
    images (N, 3, H, W) in their colours."""
    fig = Figure(figsize=(5, 5.3))
    _draw(fig.add_subplot(), images, columns, title)
    fig.savefig(path, dpi=100, bbox_inches="tight")


def save_grid_animation(path, frames, columns=None, fps=4):
    """Save an animated GIF, one grid per ``(step, images)`` in ``frames``: the same latent
    vectors at each step, so each cell shows one sample improving over training. An empty
    ``frames`` is a ValueError: a GIF needs at least one frame."""
    if not frames:
        raise ValueError(f"no frames to animate into {path}")
    fig = Figure(figsize=(4, 4.3))
    ax = fig.add_subplot()
    writer = PillowWriter(fps=fps)
    with writer.saving(fig, path, dpi=80):
        for step, images in frames:
            ax.clear()
            _draw(ax, images, columns, f"step {step}")
            writer.grab_frame()
