"""The 2D GAN figures: the animation redraws only what changes, one frame per snapshot, and none is an error."""

import numpy as np
import pytest
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from minigan.plot.gan2d import _draw, _redraw, save_animation
from tests.helpers import gif_frames

EXTENT = (-2.0, 2.0, -2.0, 2.0)


def _frame(step, shift):
    """A snapshot: points around ``shift`` and a surface whose zero line moves with it."""
    rng = np.random.default_rng(step)
    fake = rng.normal(shift, 0.2, size=(50, 2))
    xs = np.linspace(EXTENT[0], EXTENT[1], 20)
    surface = np.tile(xs - shift, (20, 1)) * (step + 1)  # a logit that changes sign at x = shift
    return step, fake, surface


def test_redraw_replaces_the_changing_artists():
    ax = Figure().add_subplot()
    real = np.zeros((5, 2))
    artists = _draw(ax, real, *_frame(0, -0.5)[1:], EXTENT, "step 0")
    for step, shift in ((1, 0.0), (2, 0.5)):
        _, fake, surface = _frame(step, shift)
        artists = _redraw(ax, artists, fake, surface, EXTENT, f"step {step}")
    image, generated, boundary = artists
    # one decision boundary: each frame's contour replaces the last one's
    assert [c for c in ax.collections if isinstance(c, ContourSet)] == [boundary]
    np.testing.assert_array_equal(generated.get_offsets(), fake)
    np.testing.assert_array_equal(image.get_array(), surface)
    limit = np.abs(surface).max()
    assert image.get_clim() == (-limit, limit)  # symmetric: white is D's boundary, logit 0
    assert ax.get_title() == "step 2"


def test_animation_has_one_frame_per_snapshot(tmp_path):
    path = tmp_path / "training.gif"
    frames = [_frame(step, shift) for step, shift in ((0, -0.5), (1, 0.0), (2, 0.5))]
    save_animation(path, frames, np.zeros((5, 2)), EXTENT)
    pictures = gif_frames(path)
    assert len(pictures) == 3
    assert all((a != b).any() for a, b in zip(pictures, pictures[1:]))  # each frame shows its snapshot


def test_animation_without_frames_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no frames to animate"):
        save_animation(tmp_path / "training.gif", [], np.zeros((5, 2)), EXTENT)
    assert not (tmp_path / "training.gif").exists()
