"""Workloads A, B and B scaled up (batch 256, 64x64) on a GPU: minigan on CuPy against PyTorch on CUDA.

    python -m benchmarks.gpu                 # on a machine with an NVIDIA GPU and CuPy
    python -m benchmarks.gpu --steps 20      # fewer timed steps

Each (implementation, workload) is built in this process, warmed up (which also compiles
CuPy's kernels), then each step is timed with ``time.perf_counter`` around the step and a
device synchronisation, so that a step's time includes its kernels and not only their launch.
The memory column is the most the GPU held for the run: CuPy's memory pool (which keeps what
it allocated) or PyTorch's ``max_memory_allocated``.
"""

import argparse
import statistics
import time

from minigan import backend

from benchmarks.run import torch_available
from benchmarks.spec import WORKLOADS

# (label, workload, overrides): the two workloads of WORKLOADS.md and B at a GPU's scale
GPU_WORKLOADS = (("A", "A", {}), ("B", "B", {}), ("B-256x64", "B", {"batch": 256, "image_size": 64}))


def time_steps(step, synchronize, warmup, steps):
    """Milliseconds of each of ``steps`` calls of ``step`` after ``warmup``, each synchronised."""
    for _ in range(warmup):
        step()
    synchronize()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        synchronize()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def measure_minigan(workload, overrides, warmup, steps):
    """minigan's step on CuPy: its times (ms) and the memory pool's size afterwards (MiB)."""
    import cupy

    from benchmarks import workloads_minigan

    backend.set_backend("cupy")
    pool = cupy.get_default_memory_pool()
    pool.free_all_blocks()
    step = workloads_minigan.make_step(workload, **overrides)
    times = time_steps(step, cupy.cuda.Device().synchronize, warmup, steps)
    return times, pool.total_bytes() / 2**20


def measure_torch(workload, overrides, warmup, steps):
    """PyTorch's step on CUDA: its times (ms) and its peak allocated memory (MiB)."""
    import torch

    from benchmarks import workloads_torch

    torch.cuda.reset_peak_memory_stats()
    step = workloads_torch.make_step(workload, device="cuda", **overrides)
    times = time_steps(step, torch.cuda.synchronize, warmup, steps)
    return times, torch.cuda.max_memory_allocated() / 2**20


def main(argv=None):
    """Time every GPU workload with minigan (CuPy) and PyTorch (CUDA); print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps first (default 5)")
    parser.add_argument("--steps", type=int, help="timed steps (default: WORKLOADS.md's, A 200, B 30)")
    args = parser.parse_args(argv)
    usable, reason = backend.cupy_available()
    if not usable:
        raise SystemExit(f"benchmarks.gpu needs a usable CuPy backend: {reason}")
    implementations = {"minigan": measure_minigan}
    if torch_available():
        implementations["PyTorch"] = measure_torch
    else:
        print("PyTorch is not installed: timing minigan only.")
    rows = []
    for label, workload, overrides in GPU_WORKLOADS:
        steps = args.steps or WORKLOADS[workload]["steps"]
        medians = {}
        for name, measure in implementations.items():
            times, memory = measure(workload, overrides, args.warmup, steps)
            medians[name] = statistics.median(times)
            rows.append(f"{label:9} {name:8} {medians[name]:10.2f} {min(times):8.2f} {memory:11.0f}")
        if len(medians) == 2:
            rows.append(f"{label:9} minigan/PyTorch {medians['minigan'] / medians['PyTorch']:.2f}x")
    print(f"{'workload':9} {'impl':8} {'median ms':>10} {'min ms':>8} {'GPU MiB':>11}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
