"""Generated 2D points over the discriminator's decision surface, as a figure and a GIF.

The surface is D's logit on a grid: positive where D judges "real", negative where it
judges "fake"; the contour at 0 is its decision boundary.
"""

import numpy
from matplotlib.animation import PillowWriter
from matplotlib.figure import Figure


def _draw(ax, real, fake, surface, extent, title):
    """Draw the surface, the real points and the generated points on ``ax``.

    Returns what changes from one frame of the animation to the next: the surface's image,
    the generated points and the decision boundary, for ``_redraw``.
    """
    image = ax.imshow(surface, origin="lower", extent=extent, cmap="RdBu_r", alpha=0.6)
    ax.scatter(real[:, 0], real[:, 1], s=3, c="k", label="real")
    # translucent, on top: where they pile up on a mode the real points still show through
    generated = ax.scatter(fake[:, 0], fake[:, 1], s=5, c="tab:orange", label="generated", alpha=0.35)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize="small", markerscale=3)
    return _redraw(ax, [image, generated, None], fake, surface, extent, title)


def _redraw(ax, artists, fake, surface, extent, title):
    """Show another frame's points and surface with the artists ``_draw`` made (cheaper
    than drawing the axes again); returns the artists."""
    image, generated, boundary = artists
    limit = max(float(numpy.abs(surface).max()), 1e-6)  # a colour scale symmetric about 0
    image.set_data(surface)
    image.set_clim(-limit, limit)
    generated.set_offsets(fake)
    if boundary is not None:
        boundary.remove()
    boundary = ax.contour(surface, levels=[0.0], origin="lower", extent=extent, colors="k", linewidths=0.8)
    ax.set_title(title)
    return [image, generated, boundary]


def save_samples_figure(path, real, fake, surface, extent, title=""):
    """Save real (M, 2) and generated (N, 2) points over D's logit ``surface`` (H, W).

    ``extent`` is (xmin, xmax, ymin, ymax), the box the surface was computed on.
    """
    fig = Figure(figsize=(6, 6))
    _draw(fig.add_subplot(), real, fake, surface, extent, title)
    fig.savefig(path, dpi=120, bbox_inches="tight")


def save_animation(path, frames, real, extent, fps=6):
    """Save an animated GIF: one frame per ``(step, fake, surface)`` in ``frames``; an empty
    ``frames`` is a ValueError: a GIF needs at least one frame."""
    if not frames:
        raise ValueError(f"no frames to animate into {path}")
    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot()
    writer = PillowWriter(fps=fps)
    artists = None
    with writer.saving(fig, path, dpi=80):
        for step, fake, surface in frames:
            title = f"step {step}"
            if artists is None:
                artists = _draw(ax, real, fake, surface, extent, title)
                # no tick labels to lay out again in every frame (most of a frame's drawing
                # time): the GIF shows the motion, samples.png the coordinates
                ax.set_xticks([])
                ax.set_yticks([])
            else:
                artists = _redraw(ax, artists, fake, surface, extent, title)
            writer.grab_frame()
