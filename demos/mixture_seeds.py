"""Run the Gaussian-mixture demo over several seeds and print the results table.

    python demos/mixture_seeds.py --dataset ring --seeds 10
    python demos/mixture_seeds.py --dataset grid --loss wgan-gp --seeds 10 --jobs 2
    python demos/mixture_seeds.py --dataset grid --n-critic 1 --batch-size 512 --steps 25000

Each seed is one run of demos/gaussian_mixture.py (defaults, no plots) in its own
single-threaded process, ``--jobs`` at a time; their metrics.json files land in
``runs/mixture_seeds/<dataset>-<loss>/seed<k>`` and the table row is printed in Markdown,
the way docs/results.md shows it. Flags this script does not know go to every run of the
demo, as in the last line.
"""

import json
import os
import statistics
import subprocess
import sys
import time

from cli import OneLineParser, fail, int_at_least

HERE = os.path.dirname(os.path.abspath(__file__))


def run_seeds(dataset, loss, seeds, jobs, out, extra):
    """Run the demo for seeds 0..seeds-1, ``jobs`` at a time; return their metrics."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    pending, running, results = list(range(seeds)), [], {}
    while pending or running:
        while pending and len(running) < jobs:
            seed = pending.pop(0)
            folder = os.path.join(out, f"seed{seed}")
            flags = ["--dataset", dataset, "--seed", str(seed), "--no-plots", "--out", folder] + extra
            if loss:
                flags += ["--loss", loss]
            log = open(os.path.join(out, f"seed{seed}.log"), "w")
            process = subprocess.Popen([sys.executable, os.path.join(HERE, "gaussian_mixture.py"), *flags],
                                       stdout=log, stderr=subprocess.STDOUT, env=env)
            running.append((seed, folder, process, log))
        time.sleep(1)
        for entry in list(running):
            seed, folder, process, log = entry
            if process.poll() is None:
                continue
            running.remove(entry)
            log.close()
            if process.returncode != 0:
                for _, _, other, _ in running:  # no orphans left training after we exit
                    other.terminate()
                with open(log.name) as f:
                    last = (f.read().strip().splitlines() or [""])[-1]
                fail(f"seed {seed} failed (exit {process.returncode}): {last}", code=1)
            with open(os.path.join(folder, "metrics.json")) as f:
                results[seed] = json.load(f)
            m = results[seed]
            print(f"seed {seed}: {m['modes']}/{m['n_modes']} modes, {100 * m['high_quality']:.1f}% high "
                  f"quality, reverse KL {m['reverse_kl']}, {m['seconds']} s", flush=True)
    return [results[s] for s in sorted(results)]


def table_row(dataset, loss, runs):
    """A Markdown table row: means over the seeds (modes also as min-max)."""
    modes = [r["modes"] for r in runs]
    kls = [r["reverse_kl"] if r["reverse_kl"] is not None else float("inf") for r in runs]
    return (f"| {dataset} | {loss} | {len(runs)} | {statistics.mean(modes):.2f} ({min(modes)}-{max(modes)}) "
            f"/ {runs[0]['n_modes']} | {100 * statistics.mean(r['high_quality'] for r in runs):.1f}% | "
            f"{statistics.mean(kls):.4f} | {statistics.mean(r['seconds'] for r in runs):.0f} s |")


def main(argv=None):
    """Parse the flags, run the seeds, print the summary row."""
    parser = OneLineParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=("ring", "grid"), default="ring")
    parser.add_argument("--loss", help="a --loss of the demo (default: the demo's)")
    parser.add_argument("--seeds", type=int_at_least(1), default=10)
    parser.add_argument("--jobs", type=int_at_least(1), default=2, help="runs at once (one per core)")
    parser.add_argument("--out", help="folder for the runs (default runs/mixture_seeds/<dataset>-<loss>)")
    args, extra = parser.parse_known_args(argv)
    label = args.loss or "default"
    out = args.out or os.path.join("runs", "mixture_seeds", f"{args.dataset}-{label}")
    os.makedirs(out, exist_ok=True)
    runs = run_seeds(args.dataset, args.loss, args.seeds, args.jobs, out, extra)
    print("| data set | loss | seeds | modes, mean (min-max) | high quality | reverse KL | time per run |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(table_row(args.dataset, runs[0]["config"]["loss"], runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
