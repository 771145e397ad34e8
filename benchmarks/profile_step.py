"""cProfile of minigan's training step: where the time of a workload goes.

    python -m benchmarks.profile_step A            # top 15 functions by own time
    python -m benchmarks.profile_step B --steps 5 --top 25
"""

import argparse
import cProfile
import os
import pstats

from benchmarks.spec import THREADS, WORKLOADS


def main(argv=None):
    """Warm up, profile ``--steps`` steps of minigan on one workload, print the top entries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--steps", type=int, help="profiled steps (default: WORKLOADS.md's timed steps)")
    parser.add_argument("--top", type=int, default=15, help="entries shown")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    args = parser.parse_args(argv)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(THREADS))  # before NumPy loads its BLAS
    from benchmarks.workloads_minigan import make_step

    settings = WORKLOADS[args.workload]
    steps = settings["steps"] if args.steps is None else args.steps
    step = make_step(args.workload)
    for _ in range(settings["warmup"]):
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    print(f"minigan, workload {args.workload}, {steps} steps")
    stats.print_stats(args.top)


if __name__ == "__main__":
    main()
