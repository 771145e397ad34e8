"""The seed runner: its flags and the demo's are checked before any run starts, no folder's
checkpoint is overwritten, and Ctrl-C stops every run it started and says so."""

import os
import pathlib
import signal
import subprocess
import time

from tests.helpers import one_line_error, run_script, start_script

SMALL = ("--width", "8", "--batch-size", "16")


def run_seeds(*flags, cwd=None):
    return run_script("demos/mixture_seeds.py", *flags, cwd=cwd)


def test_bad_flags_are_refused_before_any_run_starts(tmp_path):
    out = tmp_path / "seeds"
    for flags, message in ((["--seed", "5"], "--seed: each run gets its own seed"),  # not --seeds 5
                           (["--loss", "softmax"], "--loss 'softmax' is not one of"),
                           (["--steps", "0"], "argument --steps: '0' must be an integer >= 1"),
                           (["--seeds", "10000000000"], "argument --seeds: '10000000000' must be an integer <= 1000"),
                           (["--out", ""], "argument --out: '' is empty")):
        one_line_error(run_seeds("--out", out, *flags), message)  # a second --out replaces the first
        assert not out.exists()  # no run started, no folder made


def test_a_seed_folder_with_a_checkpoint_is_refused_up_front(tmp_path):
    out = tmp_path / "seeds"
    (out / "seed1").mkdir(parents=True)
    (out / "seed1" / "checkpoint.npz").write_bytes(b"an earlier run")
    one_line_error(run_seeds("--seeds", "2", "--steps", "1", "--out", out),
                   f"--out {out / 'seed1'} already holds a run's checkpoint; continue it with --resume")
    assert not (out / "seed0.log").exists()


def test_ctrl_c_stops_every_run_and_says_so(tmp_path):
    out = tmp_path / "seeds"
    process = start_script("demos/mixture_seeds.py", "--seeds", "3", "--jobs", "2", "--steps", "1000000", *SMALL,
                           "--out", out)
    logs = [out / "seed0.log", out / "seed1.log"]
    deadline = time.monotonic() + 120
    while not all(log.exists() and "step 100/" in log.read_text() for log in logs):  # both runs are training
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    one_line_error(subprocess.CompletedProcess(process.args, process.returncode, None, stderr),
                   "mixture_seeds.py: stopped by Ctrl-C: ended the runs of seeds 0, 1 (each keeps its last "
                   f"checkpoint in {out}/seed<k>); finished: none; continue with: python ", code=130)
    assert stderr.strip().endswith("--resume")
    for log in logs:  # each run ended as after its own Ctrl-C, with its line, before the runner exited
        assert "stopped by SIGTERM at step" in log.read_text().strip().splitlines()[-1]
    assert not (out / "seed2.log").exists()
    if os.path.isdir("/proc"):  # and no process is left that trains in the folder
        assert not [p for p in pathlib.Path("/proc").glob("[0-9]*/cmdline") if str(out).encode() in _read(p)]


def _read(path):
    """The bytes of ``path``, or none if it is gone."""
    try:
        return path.read_bytes()
    except OSError:  # a process that ended while we looked
        return b""
