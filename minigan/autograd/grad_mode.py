"""The grad-mode switch: while it is off, Functions record no graph."""

import contextlib

_enabled = True


def is_grad_enabled():
    """Whether Functions applied now record the graph for a later backward pass."""
    return _enabled


@contextlib.contextmanager
def set_grad_enabled(mode):
    """Context manager that turns graph recording on or off, restoring it on exit."""
    global _enabled
    previous, _enabled = _enabled, bool(mode)
    try:
        yield
    finally:
        _enabled = previous


def no_grad():
    """Context manager in which no graph is recorded (evaluation, sampling, optimizer steps)."""
    return set_grad_enabled(False)
