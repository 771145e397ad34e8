"""The progress display of training: step, speed, time left, and the latest numbers.

On a terminal it is one line that redraws itself in place (``\\r``), with a bar, a few times a
second; written to a file or a pipe (a log, a test) it is one line per log, since carriage
returns would pile up there as one endless line.
"""

import shutil
import sys
import time

BAR = 20  # characters of the bar on a terminal
REDRAW = 0.2  # seconds between two redraws of the terminal line


def _clock(seconds):
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _format(key, value):
    if isinstance(value, float):
        return f"{key} {value:.4g}"
    return f"{key} {value}"


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """Shows ``step 1200/5000 | 85.3 it/s | left 0:00:44 | d_loss 1.21 | ...``.

    Args:
        total: the last step of the run.
        start: the step the run starts from (a resumed run starts later).
        stream: where to write (standard output by default).

    ``show`` gives the numbers of a log; ``tick`` the step reached in between (a terminal's
    line redraws with it); ``close`` ends the terminal's line.
    """

    def __init__(self, total, start=0, stream=None):
        self.total, self.start = total, start
        self.stream = stream or sys.stdout
        self.live = _is_terminal(self.stream)
        self.t0 = time.perf_counter()
        self.values, self.drawn = {}, None  # the latest numbers; when the terminal line was last drawn

    def elapsed(self):
        """Seconds since the display started."""
        return time.perf_counter() - self.t0

    def line(self, step):
        """The text shown for ``step`` with the latest numbers (a bar in front on a terminal)."""
        rate = (step - self.start) / max(self.elapsed(), 1e-9)
        left = (self.total - step) / rate if rate > 0 else 0.0
        parts = [f"step {step}/{self.total}", f"{rate:.1f} it/s", f"left {_clock(left)}"]
        if self.live:
            filled = BAR * step // max(self.total, 1)
            parts[0] += f" [{'#' * filled}{'-' * (BAR - filled)}]"
        return " | ".join(parts + [_format(k, v) for k, v in self.values.items()])

    def show(self, step, values):
        """Show ``step`` with ``values`` (a dict of numbers or strings): a new line, or on a
        terminal the redrawn one."""
        self.values = dict(values)
        if self.live:
            self._draw(step)
        else:
            print(self.line(step), file=self.stream, flush=True)

    def tick(self, step):
        """On a terminal, redraw the line for ``step`` if the last redraw is ``REDRAW`` seconds old."""
        if self.live and (self.drawn is None or time.perf_counter() - self.drawn >= REDRAW):
            self._draw(step)

    def close(self):
        """End the terminal's line, so that what is printed next starts on a line of its own."""
        if self.live and self.drawn is not None:
            print(file=self.stream, flush=True)
            self.drawn = None

    def _draw(self, step):
        # cut to the terminal's width: a line that wraps cannot be redrawn by a carriage return
        width = shutil.get_terminal_size().columns - 1
        self.stream.write("\r" + self.line(step)[:width] + "\x1b[K")  # \x1b[K clears what a longer line left
        self.stream.flush()
        self.drawn = time.perf_counter()
