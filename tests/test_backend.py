"""Backend selection, its errors, random numbers and the host boundary."""

import os
import subprocess
import sys

import numpy as np
import pytest

import minigan
from minigan import backend


def _import_with(value):
    env = dict(os.environ, MINIGAN_BACKEND=value)
    return subprocess.run([sys.executable, "-c", "import minigan"], env=env, capture_output=True, text=True)


def test_unknown_backend_name_names_variable_value_and_choices():
    result = _import_with("torch")
    assert result.returncode != 0
    assert "MINIGAN_BACKEND='torch' is not a backend; choose one of numpy, cupy" in result.stderr


def test_cupy_without_a_gpu_says_how_to_fix_it():
    usable, _ = backend.cupy_available()
    if usable:
        pytest.skip("CuPy is usable here, so selecting it succeeds")
    result = _import_with("cupy")
    assert result.returncode != 0
    assert 'pip install "minigan[gpu]"' in result.stderr or "no CUDA device" in result.stderr
    assert "CUDA GPU is needed" in result.stderr


def test_set_backend_refuses_unknown_names():
    with pytest.raises(minigan.BackendError, match="choose one of numpy, cupy"):
        backend.set_backend("jax")


def test_same_seed_same_numbers(xp):
    minigan.manual_seed(123)
    a = minigan.randn(4, 3).numpy()
    b = minigan.rand(5).numpy()
    minigan.manual_seed(123)
    np.testing.assert_array_equal(minigan.randn(4, 3).numpy(), a)
    np.testing.assert_array_equal(minigan.rand(5).numpy(), b)
    minigan.manual_seed(124)
    assert not np.array_equal(minigan.randn(4, 3).numpy(), a)
    assert a.dtype == np.float32


def test_manual_seed_refuses_bad_seeds():
    for bad in (-1, 1.5, "7", True):
        with pytest.raises(ValueError, match="non-negative integer"):
            minigan.manual_seed(bad)


def test_factories_use_the_selected_backend(xp):
    for t in (minigan.zeros(2, 3), minigan.ones((2, 3)), minigan.randn(2, 3), minigan.rand(2, 3)):
        assert backend.get_array_module(t.data) is xp and t.shape == (2, 3)


def test_to_numpy_at_the_boundary(xp):
    t = minigan.ones(3)
    host = minigan.to_numpy(t.data)
    assert isinstance(host, np.ndarray)
    np.testing.assert_array_equal(host, [1, 1, 1])
    np.testing.assert_array_equal(t.numpy(), host)


def test_mixing_numpy_into_cupy_is_refused():
    usable, reason = backend.cupy_available()
    if not usable:
        pytest.skip(f"CuPy backend not usable here: {reason}")
    backend.set_backend("cupy")
    try:
        gpu = minigan.ones(3)
        with pytest.raises(minigan.BackendError, match="two backends"):
            gpu + np.ones(3, dtype="float32")
        with pytest.raises(minigan.BackendError, match="two backends"):
            gpu + minigan.Tensor(np.ones(3, dtype="float32"))
    finally:
        backend.set_backend("numpy")
