"""Strategies and helpers shared by the tests."""

import os
import pathlib
import subprocess
import sys

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from minigan import Tensor


def floats64(shape, low=-2.0, high=2.0):
    """A strategy for float64 arrays of ``shape`` with elements in [low, high]."""
    return arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False, width=64))


def away_from_zero(a, margin=0.1):
    """``a`` moved at least ``margin`` away from 0, so ReLU-like kinks stay out of finite differences."""
    return np.where(a >= 0, a + margin, a - margin)


def tensor(xp, a, requires_grad=True):
    """A Tensor holding the NumPy array ``a`` on the backend of ``xp``."""
    return Tensor(xp.asarray(a), requires_grad=requires_grad)


ROOT = pathlib.Path(__file__).resolve().parent.parent


def environment(env=None, pythonpath=()):
    """The environment of a child Python: one BLAS thread, ``env`` over it, and a ``PYTHONPATH``
    that finds minigan (``pythonpath`` first, then the repository, then whatever the tests run
    with: the CuPy stand-in under ``--cupy-standin``)."""
    inherited = [os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []
    path = os.pathsep.join([*map(str, pythonpath), str(ROOT), *inherited])
    return {**os.environ, "OMP_NUM_THREADS": "1", **(env or {}), "PYTHONPATH": path}


def _command(script, flags, env, pythonpath):
    """The command line and environment that ``run_script`` and ``start_script`` run ``script`` with."""
    return [sys.executable, str(ROOT / script), *map(str, flags)], environment(env, pythonpath)


def run_script(script, *flags, env=None, cwd=None, pythonpath=(), timeout=300, check=False):
    """Run the repository's ``script`` (e.g. "demos/trace_step.py") with ``flags`` in a fresh
    Python, one BLAS thread; returns the ``CompletedProcess`` with text output.

    It finds minigan through ``PYTHONPATH`` (see ``environment``); ``env`` adds to or overrides
    the environment.
    """
    command, environment = _command(script, flags, env, pythonpath)
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=cwd, timeout=timeout,
                           check=check)


def start_script(script, *flags, env=None, cwd=None):
    """Start ``script`` as ``run_script`` runs it, without waiting: a ``Popen`` with text pipes,
    for a test that signals the running demo."""
    command, environment = _command(script, flags, env, ())
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                            cwd=cwd)


def one_line_error(result, message, code=2):
    """Assert that a demo's ``CompletedProcess`` ended with ``code`` and one line on standard error
    holding ``message``, with no traceback."""
    assert result.returncode == code, result.stderr
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr


def spaced(data, shape, gap=0.25):
    """Draw an array of ``shape`` whose elements are distinct whole multiples of ``gap``, in a drawn
    order: no two tie, and no finite-difference step (1e-6) reorders them or crosses a point
    halfway between two multiples (where a test puts clamp's edges)."""
    size = int(np.prod(shape))
    order = np.array(data.draw(st.permutations(range(size))), dtype=np.float64)
    return ((order - size // 2) * gap).reshape(shape)


def gif_frames(path):
    """The frames of the GIF at ``path``, each an RGB array (H, W, 3)."""
    from PIL import Image

    with Image.open(path) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("RGB")))
    return frames
