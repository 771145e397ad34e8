"""The GPU check: what ``MINIGAN_BACKEND=cupy`` promises, on a real GPU, in one command and one table.

    bash benchmarks/gpu_check.sh                  # or: python -m benchmarks.gpu_check [--out DIR]

1. the whole test suite on real CuPy (``MINIGAN_BACKEND=cupy``: the ``xp`` tests on both
   backends, every other test on CuPy);
2. both demos with their default settings on CuPy, held to quality checks set from their
   CPU results (``docs/results.md``);
3. workloads A, B and B scaled up (batch 256, 64x64) against PyTorch on CUDA (``benchmarks.gpu``).

The suite and the two demos run side by side (their processes share the GPU, and a GPU
machine has cores to spare); the benchmark runs alone after them, so that its timings are
its own. Each part's output is kept in ``--out``. The exit code is 0 only if every part passed.
"""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (name, the demo's command, the metric checks): a check is (label, value from metrics.json, test)
DEMOS = (
    ("ring demo", ["demos/gaussian_mixture.py"], (
        # the ring's CPU targets (10 seeds): 8/8 modes in every seed, each seed's high quality
        # between 96.3% and 97.8%, reverse KL at most 0.0039
        ("modes", lambda m: f"{m['modes']}/{m['n_modes']}", lambda m: m["modes"] == m["n_modes"]),
        ("high quality", lambda m: f"{100 * m['high_quality']:.1f}%", lambda m: m["high_quality"] >= 0.96),
        ("reverse KL", lambda m: f"{m['reverse_kl']:.4f}", lambda m: m["reverse_kl"] <= 0.02))),
    ("digits demo", ["demos/digits_dcgan.py"], (
        # on the CPU, FID 7.4 to 8.4 over seeds, 10/10 classes
        ("FID", lambda m: f"{m['rows']['generated']['fid']:.2f}", lambda m: m["rows"]["generated"]["fid"] <= 10),
        ("classes", lambda m: f"{m['rows']['generated']['classes']}/{m['rows']['generated']['n_classes']}",
         lambda m: m["rows"]["generated"]["classes"] == m["rows"]["generated"]["n_classes"]))),
)


BENCHMARK = [sys.executable, "-m", "benchmarks.gpu"]


def start(command, log, env):
    """Start ``command`` from the repository root with its output going to the file ``log``."""
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def suite_command():
    """pytest on the whole suite, spread over processes when pytest-xdist is installed."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    try:
        import xdist  # noqa: F401 (only asked whether it is there)
    except ImportError:
        return command
    return command + ["-n", str(min(8, os.cpu_count() or 1))]


def suite_row(log, code, seconds):
    """The suite's row: pytest's closing counts."""
    lines = pathlib.Path(log).read_text().strip().splitlines()
    summary = next((line for line in reversed(lines) if re.search(r"\d+ (passed|failed)", line)), "no summary")
    return ("test suite on CuPy", summary.strip("= "), code == 0, seconds)


def demo_rows(name, out, log, checks, code, seconds):
    """A demo's rows: one per quality check, or one saying why there is nothing to check."""
    metrics = pathlib.Path(out) / "metrics.json"
    if code != 0 or not metrics.is_file():
        tail = pathlib.Path(log).read_text().strip().splitlines()[-1:]
        return [(name, f"exit code {code}: {' '.join(tail)}", False, seconds)]
    values = json.loads(metrics.read_text())
    return [(f"{name}: {label}", show(values), passes(values), seconds) for label, show, passes in checks]


def main(argv=None):
    """Run the three parts, print the table, and return 0 if everything passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/gpu_check", help="where each part's output goes")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MINIGAN_BACKEND": "cupy",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

    began = time.perf_counter()
    jobs = {"suite": (start(suite_command(), out / "suite.log", env), out / "suite.log")}
    for name, command, _ in DEMOS:
        folder = out / name.split()[0]
        # --overwrite: a second check replaces the first one's runs (the demos refuse without it)
        jobs[name] = (start([sys.executable, *command, "--out", str(folder), "--overwrite"], out / f"{folder.name}.log",
                            env), out / f"{folder.name}.log")
    rows, finished = [], {}
    for name, (process, log) in jobs.items():
        code = process.wait()
        finished[name] = (code, time.perf_counter() - began)
    rows.append(suite_row(jobs["suite"][1], *finished["suite"]))
    for name, _, checks in DEMOS:
        rows += demo_rows(name, out / name.split()[0], jobs[name][1], checks, *finished[name])

    bench = subprocess.run(BENCHMARK, cwd=ROOT, env=env, capture_output=True, text=True)
    (out / "benchmark.log").write_text(bench.stdout + bench.stderr)

    width = max(len(r[0]) for r in rows)
    print(f"{'check':{width}}  {'result':44}  {'pass':4}  {'done after':>10}")
    for label, result, passed, seconds in rows:
        print(f"{label:{width}}  {result[:44]:44}  {'yes' if passed else 'NO':4}  {seconds:9.0f}s")
    print()
    print(bench.stdout.strip() if bench.returncode == 0 else f"benchmark failed:\n{bench.stderr.strip()}")
    return 0 if all(r[2] for r in rows) and bench.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
