"""The image grids' animation: one frame per snapshot, and none is an error, not an empty GIF."""

import numpy as np
import pytest

from minigan.plot import save_grid_animation
from tests.helpers import gif_frames


def test_grid_animation_has_one_frame_per_snapshot(tmp_path):
    path = tmp_path / "training.gif"
    rng = np.random.default_rng(0)
    frames = [[step, rng.uniform(-1, 1, (4, 1, 8, 8))] for step in (200, 400, 600)]
    save_grid_animation(path, frames, columns=2)
    pictures = gif_frames(path)
    assert len(pictures) == 3
    assert all((a != b).any() for a, b in zip(pictures, pictures[1:]))  # each frame shows its images


def test_grid_animation_without_frames_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no frames to animate"):
        save_grid_animation(tmp_path / "training.gif", [], columns=2)
    assert not (tmp_path / "training.gif").exists()
