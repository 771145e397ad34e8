"""Shared test set-up: hypothesis profiles, the backend parametrisation and the CuPy stand-in.

Every test that takes the ``xp`` fixture runs once per backend: NumPy, and CuPy where a CUDA
GPU is usable (elsewhere that case is skipped with the reason). ``HYPOTHESIS_PROFILE=dev``
runs many more examples than the default ``ci`` profile.

``python -m pytest --cupy-standin`` runs the whole suite a second way on a machine without a
GPU: ``tests/standin/cupy`` (a strict NumPy-backed model of CuPy, see its docstring) takes
CuPy's place and ``MINIGAN_BACKEND=cupy`` is selected, for the tests and for every demo they
start. The ``xp`` tests then run on the stand-in only (the plain run covered NumPy).
"""

import contextlib
import os
import pathlib

import pytest
from hypothesis import HealthCheck, settings

STANDIN = pathlib.Path(__file__).resolve().parent / "standin"

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption("--cupy-standin", action="store_true",
                     help="run on MINIGAN_BACKEND=cupy with the strict CuPy stand-in of tests/standin "
                          "(no GPU needed)")


def pytest_configure(config):
    # before any test module imports minigan, which selects its backend once at import
    if config.getoption("--cupy-standin"):
        import sys
        sys.path.insert(0, str(STANDIN))
        inherited = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join([str(STANDIN)] + ([inherited] if inherited else []))
        os.environ["MINIGAN_BACKEND"] = "cupy"


def pytest_report_header(config):
    if config.getoption("--cupy-standin"):
        return "backend: cupy, the stand-in of tests/standin (NumPy underneath)"
    return f"backend: {os.environ.get('MINIGAN_BACKEND') or 'numpy'}"


def pytest_generate_tests(metafunc):
    if "xp" in metafunc.fixturenames:
        backends = ["cupy"] if metafunc.config.getoption("--cupy-standin") else ["numpy", "cupy"]
        metafunc.parametrize("xp", backends, indirect=True)


@contextlib.contextmanager
def _selected(name):
    """The backend ``name`` selected and seeded inside the block, the previous one after it."""
    from minigan import backend

    previous = backend.get_backend()
    backend.set_backend(name)
    backend.manual_seed(0)
    try:
        yield backend.xp()
    finally:
        backend.set_backend(previous)


@pytest.fixture
def xp(request):
    """The array module of the backend under test, selected for the test's duration."""
    from minigan import backend

    if request.param == "cupy":
        usable, reason = backend.cupy_available()
        if not usable:
            pytest.skip(f"CuPy backend not usable here: {reason}")
    with _selected(request.param) as module:
        yield module


@pytest.fixture
def numpy_backend():
    """NumPy selected for the test's duration, for code that is NumPy by design (the by-hand benchmark)."""
    with _selected("numpy"):
        yield


@pytest.fixture
def sync_counter():
    """The stand-in's count of host-device synchronisations; skipped on NumPy and on real CuPy."""
    from minigan import backend

    if backend.get_backend() != "cupy" or not hasattr(backend.xp(), "standin_sync_count"):
        pytest.skip("counting synchronisations needs the CuPy stand-in (--cupy-standin)")
    return backend.xp().standin_sync_count
