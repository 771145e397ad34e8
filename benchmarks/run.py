"""The benchmark: minigan and PyTorch on workloads A and B, side by side, with the NumPy floor
and, on A, the same step written by hand in NumPy (``benchmarks.by_hand``).

    python -m benchmarks.run                       # the full run of WORKLOADS.md (minutes)
    python -m benchmarks.run --repeats 1 --warmup 1 --steps 5    # a smoke run

Every measurement runs in a fresh process, interleaved (minigan, by hand, PyTorch, floor,
again ...), ``--repeats`` times, so that drift on a shared machine hits every implementation
alike. Each process builds its workload, warms up, times each step with ``time.perf_counter``
and reports its times and its peak resident memory (``resource.getrusage``) as one JSON line.
"""

import argparse
import importlib.util
import json
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import time

from benchmarks import by_hand, floor
from benchmarks.spec import THREADS, WORKLOADS, sizes
from minigan.memory import keep_freed_memory

ROOT = pathlib.Path(__file__).resolve().parent.parent
IMPLEMENTATIONS = ("minigan", "by-hand", "torch", "floor")
MODULES = {"minigan": "workloads_minigan", "by-hand": "by_hand", "torch": "workloads_torch"}
NAMES = {"torch": "PyTorch"}  # as the ratios name an implementation, where not by its key


def torch_available():
    """Whether PyTorch can be imported here (it is optional: never a dependency of minigan)."""
    return importlib.util.find_spec("torch") is not None


def rss_mib():
    """The process's current resident memory, in MiB (Linux ``/proc/self/statm``)."""
    pages = int(pathlib.Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(implementation, workload, warmup, steps, **overrides):
    """Build and time one workload in this process; returns times (ms) and memory (MiB)."""
    settings = sizes(workload, **overrides)
    if implementation != "floor":
        make_step = importlib.import_module(f"benchmarks.{MODULES[implementation]}").make_step
    base = rss_mib()  # after the imports: the interpreter and the array library
    if implementation == "floor":
        keep_freed_memory()  # NumPy under minigan's allocator policy: the floor minigan runs on
        times = floor.time_floor(floor.step_products(workload, settings), warmup, steps)
    else:
        step = make_step(workload, **overrides)
        for _ in range(warmup):
            step()
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1e3)
    # ru_maxrss is in KiB on Linux. The kernel updates its high-water mark lazily (when memory
    # is unmapped), so it can trail an RSS read from /proc: the peak is at least what we saw
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, base, rss_mib())
    return {"times_ms": times, "peak_rss_mib": peak, "base_rss_mib": base}


def run_child(implementation, workload, warmup, steps, threads=THREADS, **overrides):
    """``measure`` in a fresh Python process with ``threads`` BLAS threads; returns its result."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), MINIGAN_BACKEND="numpy")
    command = [sys.executable, "-m", "benchmarks.run", "--child", implementation, workload,
               "--warmup", str(warmup), "--steps", str(steps)]
    command += [f"--set={key}={value}" for key, value in overrides.items()]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{implementation} on workload {workload} failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def summarise(results):
    """Median of the per-process medians, overall minimum, and the largest peak memory."""
    return {"median": statistics.median(statistics.median(r["times_ms"]) for r in results),
            "min": min(min(r["times_ms"]) for r in results),
            "peak": max(r["peak_rss_mib"] for r in results),
            "base": max(r["base_rss_mib"] for r in results)}


def table(summaries, workloads):
    """The report: one row per workload and implementation, then the ratios."""
    lines = [f"{'workload':8} {'implementation':14} {'median ms':>10} {'min ms':>8} "
             f"{'peak RSS MiB':>13} {'after import':>13}"]
    for w in workloads:
        for impl, s in summaries[w].items():
            lines.append(f"{w:8} {impl:14} {s['median']:10.1f} {s['min']:8.1f} "
                         f"{s['peak']:13.0f} {s['base']:13.0f}")
    lines.append("")
    for w in workloads:
        s = summaries[w]
        for impl in ("minigan", "by-hand"):
            if impl not in s:
                continue
            against = [other for other in ("torch", "by-hand", "floor") if other in s and other != impl]
            parts = [f"{impl}/{NAMES.get(other, other)} {s[impl]['median'] / s[other]['median']:.2f}x" for other in against]
            if impl == "minigan" and "torch" in s:
                parts.append(f"peak RSS minigan/PyTorch {s['minigan']['peak'] / s['torch']['peak']:.2f}x")
            lines.append(f"{w}: " + ", ".join(parts) + "  (medians from this run)")
    return "\n".join(lines)


def parse_overrides(pairs):
    """``["batch=64", ...]`` as ``{"batch": 64}``."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not value.isdigit():
            raise SystemExit(f"--set expects key=int, got {pair!r}")
        overrides[key] = int(value)
    return overrides


def main(argv=None):
    """Parse the command line; run the benchmark, or one measurement with ``--child``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="processes per implementation and workload")
    parser.add_argument("--workloads", nargs="+", choices=sorted(WORKLOADS), default=sorted(WORKLOADS))
    parser.add_argument("--warmup", type=int, help="warm-up steps (default: WORKLOADS.md's, A 20, B 3)")
    parser.add_argument("--steps", type=int, help="timed steps (default: WORKLOADS.md's, A 200, B 30)")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help="BLAS and PyTorch threads (default 2, as WORKLOADS.md; 1 on a loaded machine)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--list-floor", action="store_true", help="print the floor's products and exit")
    parser.add_argument("--child", nargs=2, metavar=("IMPL", "WORKLOAD"), help=argparse.SUPPRESS)
    parser.add_argument("--set", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        implementation, workload = args.child
        result = measure(implementation, workload, args.warmup, args.steps, **parse_overrides(args.set))
        print(json.dumps(result))
        return
    if args.list_floor:
        for w in args.workloads:
            products = floor.step_products(w, sizes(w))
            print(f"workload {w}: {len(products)} products, {floor.flops(products) / 1e9:.2f} GFLOP")
            print("\n".join(floor.describe(products)))
        return
    implementations = list(IMPLEMENTATIONS)
    if args.no_torch or not torch_available():
        implementations.remove("torch")
        if not args.no_torch:
            print("PyTorch is not installed: measuring minigan, by hand and the floor only "
                  "(pip install torch to compare).")
    results = {w: {impl: [] for impl in implementations if impl != "by-hand" or w in by_hand.WORKLOADS}
               for w in args.workloads}  # the by-hand step is written for A only
    for repeat in range(args.repeats):
        for w in args.workloads:
            for impl in results[w]:  # interleaved: minigan, by hand, PyTorch, floor, minigan, ...
                warmup = WORKLOADS[w]["warmup"] if args.warmup is None else args.warmup
                steps = WORKLOADS[w]["steps"] if args.steps is None else args.steps
                print(f"[{repeat + 1}/{args.repeats}] {impl} {w} ...", file=sys.stderr, flush=True)
                results[w][impl].append(run_child(impl, w, warmup, steps, args.threads))
    summaries = {w: {impl: summarise(r) for impl, r in results[w].items()} for w in args.workloads}
    print(f"load average at the end: {pathlib.Path('/proc/loadavg').read_text().split()[0]}, "
          f"{args.repeats} processes each, {args.threads} threads")
    print(table(summaries, args.workloads))


if __name__ == "__main__":
    main()
