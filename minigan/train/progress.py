"""A one-line progress display for training: step, speed, time left, and the latest numbers."""

import sys
import time


def _clock(seconds):
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _format(key, value):
    if isinstance(value, float):
        return f"{key} {value:.4g}"
    return f"{key} {value}"


class Progress:
    """Prints ``step 1200/5000 | 85.3 it/s | left 0:00:44 | d_loss 1.21 | ...`` lines.

    Args:
        total: the last step of the run.
        start: the step the run starts from (a resumed run starts later).
        stream: where to print (standard output by default).
    """

    def __init__(self, total, start=0, stream=None):
        self.total, self.start = total, start
        self.stream = stream or sys.stdout
        self.t0 = time.perf_counter()

    def elapsed(self):
        """Seconds since the display started."""
        return time.perf_counter() - self.t0

    def show(self, step, values):
        """Print one line for ``step`` with ``values`` (a dict of numbers or strings)."""
        rate = (step - self.start) / max(self.elapsed(), 1e-9)
        left = (self.total - step) / rate if rate > 0 else 0.0
        parts = [f"step {step}/{self.total}", f"{rate:.1f} it/s", f"left {_clock(left)}"]
        parts += [_format(k, v) for k, v in values.items()]
        print(" | ".join(parts), file=self.stream, flush=True)
