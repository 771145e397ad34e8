"""Run the Gaussian-mixture demo over several seeds and print the results table.

    python demos/mixture_seeds.py --dataset ring --seeds 10
    python demos/mixture_seeds.py --dataset grid --loss wgan-gp --seeds 10 --jobs 2
    python demos/mixture_seeds.py --dataset grid --n-critic 1 --batch-size 512 --steps 25000

Each seed is one run of demos/gaussian_mixture.py (defaults, no plots) in its own
single-threaded process, ``--jobs`` at a time; their metrics.json files land in
``runs/mixture_seeds/<dataset>-<loss>/seed<k>`` and the table row is printed in Markdown,
the way docs/results.md shows it. Flags this script does not know go to every run of the
demo, as in the last line; they, and every seed's folder, are checked before any run starts.

Ctrl-C (or SIGTERM) stops every run, each keeping its last checkpoint, and says which it
stopped; ``--resume`` then continues the runs whose folder holds a checkpoint and starts the
others, and ``--overwrite`` starts every run anew.
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import time

from cli import Integer, OneLineParser, Text, fail, import_minigan
from gaussian_mixture import build_parser as demo_parser
from runs import CHECKPOINT, prepare_out, run, stop_of, writable_folder

HERE = os.path.dirname(os.path.abspath(__file__))
GRACE = 60  # seconds a stopped run has to write its last line before it is killed


def end(running):
    """Stop the runs still going (SIGTERM: each ends as after Ctrl-C, with one line in its log),
    wait for them and close their logs; returns the seeds that were stopped."""
    stopped = [seed for seed, _, process, _ in running if process.poll() is None]
    for _, _, process, _ in running:
        if process.poll() is None:
            process.terminate()
    for _, _, process, log in running:
        try:
            process.wait(timeout=GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    return stopped


def child_flags(args, extra, seed, folder):
    """The demo's flags for ``seed``, after checking its folder (``runs.prepare_out``): a run
    whose folder holds a checkpoint is continued with ``--resume``, or replaced with ``--overwrite``."""
    resume = args.resume and os.path.lexists(os.path.join(folder, CHECKPOINT))
    prepare_out(folder, resume, args.overwrite)
    flags = ["--dataset", args.dataset, "--seed", str(seed), "--no-plots", "--out", folder, *extra]
    flags += ["--loss", args.loss] if args.loss else []
    return flags + (["--resume"] if resume else ["--overwrite"] if args.overwrite else [])


def run_seeds(args, extra, command):
    """Run the demo for seeds 0..seeds-1, ``jobs`` at a time; return their metrics.

    ``command`` is this script's command line, for the line that says how to continue.
    """
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    folders = {seed: os.path.join(args.out, f"seed{seed}") for seed in range(args.seeds)}
    flags = {seed: child_flags(args, extra, seed, folder) for seed, folder in folders.items()}  # all checked first
    pending, running, results = list(range(args.seeds)), [], {}
    try:
        while pending or running:
            while pending and len(running) < args.jobs:
                seed = pending.pop(0)
                log = open(os.path.join(args.out, f"seed{seed}.log"), "a" if "--resume" in flags[seed] else "w")
                # a session of its own: Ctrl-C at the terminal reaches this script, which stops the runs
                process = subprocess.Popen([sys.executable, os.path.join(HERE, "gaussian_mixture.py"), *flags[seed]],
                                           stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
                running.append((seed, folders[seed], process, log))
            time.sleep(1)
            for entry in list(running):
                seed, folder, process, log = entry
                if process.poll() is None:
                    continue
                running.remove(entry)
                log.close()
                if process.returncode != 0:
                    end(running)  # no orphans left training after we exit
                    with open(log.name) as f:
                        last = (f.read().strip().splitlines() or [""])[-1]
                    fail(f"seed {seed} failed (exit {process.returncode}): {last}", code=1)
                with open(os.path.join(folder, "metrics.json")) as f:
                    results[seed] = json.load(f)
                m = results[seed]
                print(f"seed {seed}: {m['modes']}/{m['n_modes']} modes, {100 * m['high_quality']:.1f}% high "
                      f"quality, reverse KL {m['reverse_kl']}, {m['seconds']} s", flush=True)
    except KeyboardInterrupt as err:
        code, name = stop_of(err)
        stopped = end(running)
        done = ", ".join(map(str, sorted(results))) or "none"
        fail(f"stopped by {name}: ended the runs of seeds {', '.join(map(str, stopped)) or 'none'} (each keeps its "
             f"last checkpoint in {args.out}/seed<k>); finished: {done}; continue with: {command} --resume", code,
             prefix="")
    return [results[s] for s in sorted(results)]


def table_row(dataset, loss, runs):
    """A Markdown table row: means over the seeds (modes also as min-max)."""
    modes = [r["modes"] for r in runs]
    kls = [r["reverse_kl"] if r["reverse_kl"] is not None else float("inf") for r in runs]
    return (f"| {dataset} | {loss} | {len(runs)} | {statistics.mean(modes):.2f} ({min(modes)}-{max(modes)}) "
            f"/ {runs[0]['n_modes']} | {100 * statistics.mean(r['high_quality'] for r in runs):.1f}% | "
            f"{statistics.mean(kls):.4f} | {statistics.mean(r['seconds'] for r in runs):.0f} s |")


def main(argv=None):
    """Parse and check the flags, run the seeds, print the summary row."""
    argv = sys.argv[1:] if argv is None else argv
    parser = OneLineParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=("ring", "grid"), default="ring")
    parser.add_argument("--loss", help="a --loss of the demo (default: the demo's)")
    parser.add_argument("--seeds", type=Integer(1, 1000), default=10)
    parser.add_argument("--jobs", type=Integer(1, 256), default=2, help="runs at once (one per core)")
    parser.add_argument("--out", type=Text(), help="folder for the runs (default runs/mixture_seeds/<dataset>-<loss>)")
    parser.add_argument("--resume", action="store_true", help="continue the runs that hold a checkpoint")
    parser.add_argument("--overwrite", action="store_true", help="start every run anew, replacing its checkpoint")
    args, extra = parser.parse_known_args(argv)
    # the demo's own parser checks the flags passed on, before any run starts
    passed = demo_parser().parse_args(["--dataset", args.dataset, *extra])
    if passed.seed is not None:
        fail("--seed: each run gets its own seed, 0 to --seeds - 1; give --seeds instead")
    import_minigan(args.loss)
    args.out = args.out or os.path.join("runs", "mixture_seeds", f"{args.dataset}-{args.loss or 'default'}")
    writable_folder(args.out, "--out")
    command = shlex.join(["python", sys.argv[0], *(a for a in argv if a not in ("--resume", "--overwrite"))])
    runs = run_seeds(args, extra, command)
    print("| data set | loss | seeds | modes, mean (min-max) | high quality | reverse KL | time per run |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(table_row(args.dataset, runs[0]["config"]["loss"], runs))
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
