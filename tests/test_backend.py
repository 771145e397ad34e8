"""Backend selection, its errors, random numbers and the host boundary."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import minigan
from minigan import backend
from tests.conftest import STANDIN
from tests.helpers import run_script


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


def test_mixing_numpy_into_cupy_is_refused(xp):
    if xp.__name__ != "cupy":
        pytest.skip("a NumPy array mixes with nothing else on NumPy")
    gpu = minigan.ones(3)
    with pytest.raises(minigan.BackendError, match="two backends"):
        gpu + np.ones(3, dtype="float32")
    with pytest.raises(minigan.BackendError, match="two backends"):
        gpu + minigan.Tensor(np.ones(3, dtype="float32"))


def test_a_missing_cuda_library_is_named_in_one_line():
    """Selecting CuPy runs a kernel and a matrix product at once, so a missing library is reported
    at import with what to install (the stand-in fails as CuPy does when asked to)."""
    for library in ("libnvrtc.so.12", "libcublas.so.12"):
        result = run_script("demos/trace_step.py", pythonpath=[STANDIN], env={
            "MINIGAN_BACKEND": "cupy", "CUPY_STANDIN_MISSING_LIBRARY": library})
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert f"the CUDA library {library} is missing" in result.stderr
        assert 'pip install "cupy-cuda12x[ctk]"' in result.stderr


def test_generator_state_continues_exactly(xp):
    minigan.manual_seed(7)
    minigan.randn(3)
    state = backend.get_rng_state()
    expected = [minigan.randn(4).numpy(), backend.to_numpy(backend.permutation(9))]
    minigan.manual_seed(8)  # anything in between
    minigan.rand(5)
    backend.set_rng_state(json.loads(json.dumps(state)))  # as a checkpoint stores it
    np.testing.assert_array_equal(minigan.randn(4).numpy(), expected[0])
    np.testing.assert_array_equal(backend.to_numpy(backend.permutation(9)), expected[1])


def test_a_generator_state_from_the_other_backend_is_refused(xp):
    if xp is np:
        pytest.skip("needs both backends: runs as the CuPy case")
    cupy_state = backend.get_rng_state()
    backend.set_backend("numpy")  # the fixture selected CuPy and selects what was before afterwards
    numpy_state = backend.get_rng_state()
    with pytest.raises(minigan.BackendError, match="not from the numpy backend"):
        backend.set_rng_state(cupy_state)
    backend.set_backend("cupy")
    with pytest.raises(minigan.BackendError, match="not from the cupy backend"):
        backend.set_rng_state(numpy_state)


def test_permutation_is_a_seeded_permutation(xp):
    minigan.manual_seed(3)
    first = backend.permutation(50)
    assert backend.get_array_module(first) is xp
    first = backend.to_numpy(first)
    assert sorted(first.tolist()) == list(range(50)) and first.tolist() != list(range(50))
    minigan.manual_seed(3)
    np.testing.assert_array_equal(backend.to_numpy(backend.permutation(50)), first)


def test_numpy_results_stay_on_numpy_whatever_the_backend(xp):
    """A reduction on NumPy returns a NumPy scalar: it must not move to the selected backend."""
    x = minigan.Tensor(np.arange(4.0), requires_grad=True)
    y = (x * 2.0).sum()
    assert backend.get_array_module(y.data) is np
    y.backward()
    assert backend.get_array_module(x.grad.data) is np


def test_draws_inside_fork_rng_leave_the_generator_alone(xp):
    minigan.manual_seed(11)
    expected = minigan.randn(5).numpy()
    minigan.manual_seed(11)
    with backend.fork_rng():
        inside = minigan.randn(5).numpy()
    np.testing.assert_array_equal(minigan.randn(5).numpy(), expected)
    np.testing.assert_array_equal(inside, expected)
    with backend.fork_rng(enabled=False):
        minigan.randn(5)
    assert not np.array_equal(minigan.randn(5).numpy(), expected)


def test_consecutive_draws_are_uniform_and_independent(xp):
    """Each CuPy draw has a generator of its own (keyed by the seed and the draw's number): the
    draws must still look like one stream of independent U(0, 1) samples."""
    minigan.manual_seed(0)
    draws = np.stack([minigan.rand(20000, dtype="float64").numpy() for _ in range(50)])
    error = 1 / math.sqrt(12 * draws.size)  # standard error of the mean of all 10^6 samples
    assert abs(draws.mean() - 0.5) < 5 * error
    assert abs(draws.var() - 1 / 12) < 0.002  # var of U(0, 1) is 1/12; its standard error here 0.00007
    # one draw's samples against the next's, element by element: no correlation
    centred = draws - 0.5
    correlation = (centred[:-1] * centred[1:]).mean() / centred.var()
    assert abs(correlation) < 5 / math.sqrt(draws[:-1].size)
    z = (draws.mean(axis=1) - 0.5) / (1 / math.sqrt(12 * 20000))  # each draw's mean, standardised
    assert abs(z.mean()) < 5 / math.sqrt(50) and 0.5 < z.std() < 1.5
