"""``cupy.cuda``: one pretend device, whose synchronisations are counted."""

from cupy._core import sync


class CUDARuntimeError(RuntimeError):
    """CuPy's error for a failed CUDA runtime call."""


class runtime:  # noqa: N801 (CuPy's module name)
    """The few runtime calls minigan and its benchmarks make."""

    CUDARuntimeError = CUDARuntimeError

    @staticmethod
    def getDeviceCount():  # noqa: N802 (CUDA's name)
        """One device."""
        return 1

    @staticmethod
    def deviceSynchronize():  # noqa: N802
        """Wait for the device: a synchronisation."""
        sync()


def get_device_id():
    """The current device: always 0."""
    return 0


class Device:
    """A CUDA device."""

    def __init__(self, device=None):
        self.id = 0 if device is None else int(device)

    def synchronize(self):
        """Wait for everything queued on the device: a synchronisation."""
        sync()
