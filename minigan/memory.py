"""Keep freed memory for reuse: the allocator setting that makes a NumPy training step fast.

NumPy takes every array from the C library's ``malloc``. glibc serves a request larger
than its *mmap threshold* (128 KiB to start with) with fresh pages from the kernel and
hands them back on ``free``; the next array of that size gets fresh pages again, and the
kernel zeroes each 4 KiB page on its first touch. A training step makes and drops the
same temporaries over and over (a (512, 256) float32 activation is 512 KiB), so it pays
that page fault tax on every step: measured on workload A (``docs/performance.md``), a
third of the time of a 256 x 256 matrix product.

Raising the mmap threshold and the trim threshold keeps freed blocks in the heap, where
the next temporary of the same size reuses them, already mapped. ``keep_freed_memory`` is
called once when minigan is imported. It only changes glibc's policy for this process,
does nothing on other C libraries, and leaves alone a process whose user chose the policy
with glibc's own environment variables (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``)
or turned it off with ``MINIGAN_KEEP_FREED_MEMORY=0``.
"""

import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (glibc's malloc.h)
MMAP_THRESHOLD = 32 * 2**20  # glibc's largest: blocks up to 32 MiB come from the reusable heap
TRIM_THRESHOLD = 256 * 2**20  # up to 256 MiB of freed heap is kept rather than given back
OPT_OUT = "MINIGAN_KEEP_FREED_MEMORY"  # set to 0 to leave glibc's policy as it is


def keep_freed_memory():
    """Ask glibc to keep freed blocks of up to 32 MiB for reuse; True if it took effect."""
    if any(name in os.environ for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return False  # the user set glibc's policy: theirs wins
    if os.environ.get(OPT_OUT, "1") == "0":
        return False
    path = ctypes.util.find_library("c")
    if path is None:
        return False
    mallopt = getattr(ctypes.CDLL(path), "mallopt", None)
    if mallopt is None:  # not glibc (musl, macOS, Windows): nothing to tune
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
