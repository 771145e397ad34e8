"""Shared test set-up: hypothesis profiles and the backend parametrisation.

Every test that takes the ``xp`` fixture runs once per backend: NumPy always, CuPy where a
CUDA GPU is usable (elsewhere it is skipped with the reason). ``HYPOTHESIS_PROFILE=dev``
runs many more examples than the default ``ci`` profile.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from minigan import backend

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["numpy", "cupy"])
def xp(request):
    """The array module of the backend under test, selected for the test's duration."""
    if request.param == "cupy":
        usable, reason = backend.cupy_available()
        if not usable:
            pytest.skip(f"CuPy backend not usable here: {reason}")
    previous = backend.get_backend()
    backend.set_backend(request.param)
    backend.manual_seed(0)
    yield backend.xp()
    backend.set_backend(previous)

