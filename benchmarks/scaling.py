"""How minigan's step time grows next to PyTorch's: batch size and width (A), image size (B).

    python -m benchmarks.scaling            # every point (many minutes)
    python -m benchmarks.scaling --quick    # three points per sweep, few steps

Each point is one fresh process per implementation, as in ``benchmarks.run``; the NumPy
floor of the same sizes is drawn too. Writes a PNG (``--out``) and prints the numbers. The
plot shows each point's minimum step time by default (``--stat``): on a shared machine a
burst of load moves a short run's median, while the minimum stays the cost of the work.
"""

import argparse
import pathlib
import statistics
import sys

from benchmarks.run import ROOT, run_child, torch_available
from benchmarks.spec import THREADS

SWEEPS = {  # (workload, setting, values, full (warmup, steps))
    "batch size (A)": ("A", "batch", (64, 128, 256, 512, 1024, 2048, 4096), (5, 20)),
    "width (A)": ("A", "width", (64, 128, 256, 512, 1024), (5, 20)),
    "image size (B)": ("B", "image_size", (16, 28, 32, 48, 64), (2, 6)),
}
QUICK = {"batch size (A)": (64, 512, 4096), "width (A)": (64, 256, 1024), "image size (B)": (16, 28, 64)}


def sweep(workload, setting, values, warmup, steps, implementations, threads, stat):
    """ms/step (``stat``: "median" or "min") of each implementation at each value: {impl: [ms, ...]}."""
    summary = {impl: [] for impl in implementations}
    for value in values:
        for impl in implementations:
            times = run_child(impl, workload, warmup, steps, threads, **{setting: value})["times_ms"]
            summary[impl].append(statistics.median(times) if stat == "median" else min(times))
            print(f"{workload} {setting}={value:5} {impl:8} median {statistics.median(times):9.1f} ms, "
                  f"min {min(times):9.1f} ms", file=sys.stderr, flush=True)
    return summary


def plot(results, path, stat):
    """One panel per sweep, ms/step against the size, log-log; saved to ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"minigan": "o-", "torch": "s-", "floor": "k--"}
    labels = {"minigan": "minigan", "torch": "PyTorch", "floor": "NumPy matmul floor"}
    fig, axes = plt.subplots(1, len(results), figsize=(4 * len(results), 3.4))
    for ax, (title, (values, summary)) in zip(axes, results.items()):
        for impl, ms in summary.items():
            ax.plot(values, ms, styles[impl], label=labels[impl], markersize=4)
        ax.set(xscale="log", yscale="log", title=title, xlabel=title.split(" (")[0],
               ylabel=f"ms / step ({stat})")
        ax.set_xticks(values, [str(v) for v in values], fontsize=7)
        ax.minorticks_off()
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main(argv=None):
    """Run the sweeps, print a table, save the plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three points per sweep, 1 warm-up, 5 steps")
    parser.add_argument("--threads", type=int, default=THREADS, help="BLAS and PyTorch threads")
    parser.add_argument("--stat", choices=("min", "median"), default="min", help="the statistic plotted")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "figures" / "scaling.png")
    args = parser.parse_args(argv)
    implementations = ["minigan", "floor"]
    if torch_available():
        implementations.insert(1, "torch")
    else:
        print("PyTorch is not installed: minigan and the floor only.")
    results = {}
    for title, (workload, setting, values, (warmup, steps)) in SWEEPS.items():
        if args.quick:
            values, warmup, steps = QUICK[title], 1, 5
        results[title] = (values, sweep(workload, setting, values, warmup, steps, implementations,
                                         args.threads, args.stat))
    for title, (values, summary) in results.items():
        print(f"\n{title}: {args.stat} ms/step")
        print(f"{'value':>6} " + " ".join(f"{impl:>9}" for impl in summary))
        for i, value in enumerate(values):
            print(f"{value:6} " + " ".join(f"{summary[impl][i]:9.1f}" for impl in summary))
    plot(results, args.out, args.stat)
    print(f"\nplot saved to {args.out}")


if __name__ == "__main__":
    main()
