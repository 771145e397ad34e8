"""A demo's run on disk (demos/runs.py), through the Gaussian-mixture demo: output folders checked
before training, nothing saved is overwritten, a damaged checkpoint is one line, --resume takes
its settings from the checkpoint, the learning-rate schedule on resume, and Ctrl-C and SIGTERM."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from minigan.train import load_checkpoint, save_checkpoint
from tests.helpers import ROOT, environment, one_line_error, run_script, start_script

SMALL = ("--width", "8", "--batch-size", "16", "--no-plots")  # a step of a few milliseconds


def run_demo(*flags, cwd=None):
    return run_script("demos/gaussian_mixture.py", *flags, cwd=cwd)


def test_out_is_checked_before_training(tmp_path):
    one_line_error(run_demo("--out", ""), "argument --out: '' is empty; name a folder")
    (tmp_path / "file").write_text("in the way")
    one_line_error(run_demo("--out", tmp_path / "file" / "run"), f"--out {tmp_path / 'file' / 'run'}: cannot write")
    # a folder that exists but takes no files (read-only for root too), and a working directory
    # where the default folder cannot be made: both before any training
    for result in (run_demo("--out", "/proc"), run_demo(cwd="/proc")):
        one_line_error(result, "cannot write there")
        assert "training" not in result.stdout
    one_line_error(run_demo("--resume", "--overwrite", "--out", tmp_path / "run"),
                   "--resume and --overwrite exclude each other")


def test_a_checkpoint_is_never_overwritten_without_overwrite(tmp_path):
    out = tmp_path / "run"
    assert run_demo("--steps", "3", *SMALL, "--out", out).returncode == 0
    before = (out / "checkpoint.npz").read_bytes()
    one_line_error(run_demo("--steps", "3", *SMALL, "--out", out),
                   f"--out {out} already holds a run's checkpoint; continue it with --resume, or start a new run "
                   "that replaces it with --overwrite")
    assert (out / "checkpoint.npz").read_bytes() == before
    replaced = run_demo("--steps", "4", *SMALL, "--overwrite", "--out", out)
    assert replaced.returncode == 0, replaced.stderr
    assert load_checkpoint(out / "checkpoint.npz")["steps"] == 4


def test_resume_keeps_the_checkpoints_settings_and_never_goes_back(tmp_path):
    out = tmp_path / "run"
    assert run_demo("--dataset", "grid", "--steps", "5", *SMALL, "--out", out).returncode == 0
    one_line_error(run_demo("--resume", "--steps", "3", "--out", out),
                   "--steps 3 is below the checkpoint's step 5: a resumed run goes on from there (--steps 5 or more)")
    one_line_error(run_demo("--resume", "--dataset", "ring", "--out", out), "--dataset ring differs from the "
                   "checkpoint's grid")
    resumed = run_demo("--resume", "--steps", "6", "--out", out)  # the grid, width 8: all from the checkpoint
    assert resumed.returncode == 0, resumed.stderr
    config = load_checkpoint(out / "checkpoint.npz")["config"]
    assert (config["dataset"], config["width"], config["steps"]) == ("grid", 8, 6)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """What a short run's checkpoint holds, for the damaged variants below."""
    out = tmp_path_factory.mktemp("base")
    result = run_demo("--steps", "2", *SMALL, "--out", out)
    assert result.returncode == 0, result.stderr
    return load_checkpoint(out / "checkpoint.npz")


def changed(state, path, value):
    """``state`` with the entry at ``path`` (keys separated by "/") set to ``value``, or removed if it is ``...``."""
    *parents, last = path.split("/")
    inner = state
    for key in parents:
        inner = inner[key]
    if value is ...:
        del inner[last]
    else:
        inner[last] = value
    return state


DAMAGED = [  # (the entry, its new value or ... to remove it, what the one line says)
    ("config/pack", 0, "its pack 0 must be an integer >= 1"),
    ("config/width", 10**12, "its width 1000000000000 must be an integer <= 1024"),
    ("config/steps", "ten", "its steps 'ten' is not an integer"),
    ("config/loss", "softmax", "its loss 'softmax' is not one of"),
    ("config/betas", [7, 0.9], "its betas 7 must be a number in [0.0, 1.0)"),
    ("config/ema_decay", 1.5, "its ema_decay 1.5 must be a number in (0.0, 1.0)"),
    ("config/steps", 1, "its steps 1 is below the checkpoint's step 2"),
    ("config", ..., "was not written by this demo: it has no configuration"),
    ("history", "lost", "its history is not a list of records of numbers"),
    ("frames", [[1, np.zeros((3, 3))]], "its GIF frames are not a list of [step, (1000, 2), (100, 100)]"),
    ("generator", ..., "not a GANTrainer checkpoint: it has no generator"),
    ("generator/0.weight", None, "'0.weight' holds object values"),
    ("g_optimizer/lr", -1.0, "the checkpoint's g_optimizer does not fit this g_optimizer: cannot load this state "
                             "into Adam: lr must be >= 0.0 and finite, got -1.0"),
    ("d_optimizer/0.step", -1, "'0.step' must be an integer >= 0, got -1"),
    ("steps", -1, "the checkpoint's step count must be an integer >= 0, got -1"),
    ("rng", {"bit_generator": "PCG64", "state": "lost"}, "generator state"),
]


@pytest.mark.parametrize("path, value, message", DAMAGED, ids=[f"{p}={v!r:.20}" for p, v, _ in DAMAGED])
def test_a_checkpoint_with_a_bad_part_is_one_line_naming_it(tmp_path, saved, path, value, message):
    state = changed(load_checkpoint_copy(saved), path, value)
    save_checkpoint(tmp_path / "checkpoint.npz", state)
    result = run_demo("--resume", "--out", tmp_path)
    one_line_error(result, message)
    assert str(tmp_path / "checkpoint.npz") in result.stderr


def load_checkpoint_copy(state):
    """A deep copy of a loaded state (its arrays copied too), to change without touching the original."""
    if isinstance(state, dict):
        return {k: load_checkpoint_copy(v) for k, v in state.items()}
    if isinstance(state, list):
        return [load_checkpoint_copy(v) for v in state]
    return state.copy() if hasattr(state, "copy") else state


@pytest.mark.parametrize("make, message", [
    (lambda path: path.write_bytes(b""), "is not a readable minigan checkpoint: BadZipFile"),
    (lambda path: path.write_text("checkpoint: step 2000\n"), "is not a readable minigan checkpoint: BadZipFile"),
    (lambda path: path.mkdir(), "checkpoint.npz is a folder, not a checkpoint"),
    (lambda path: os.mkfifo(path), "checkpoint.npz is a FIFO (named pipe), not a checkpoint"),
], ids=["empty", "text", "folder", "fifo"])
def test_a_file_that_is_no_checkpoint_is_one_line_and_exit_code_2(tmp_path, make, message):
    make(tmp_path / "checkpoint.npz")
    result = run_script("demos/gaussian_mixture.py", "--resume", "--out", tmp_path, timeout=60)  # a FIFO must not hang
    one_line_error(result, message)
    assert "start a new run with --overwrite" in result.stderr and "allow_pickle" not in result.stderr


def test_the_learning_rate_decays_to_each_calls_steps(tmp_path):
    """The rate falls linearly from --lr at step 0 to 0 at --steps; resumed with a larger --steps,
    it goes on from its step towards the new end (docs/checkpoints.md)."""
    out = tmp_path / "run"
    assert run_demo("--steps", "200", *SMALL, "--out", out).returncode == 0
    assert run_demo("--resume", "--steps", "400", "--out", out).returncode == 0
    rates = {r["step"]: r["lr"] for r in load_checkpoint(out / "checkpoint.npz")["history"]}
    lr = 1e-3  # the ring's
    assert rates == pytest.approx({100: lr * (1 - 100 / 200), 200: 0.0, 300: lr * (1 - 300 / 400), 400: 0.0})


def wait_for(condition, timeout=120):
    """Poll ``condition()`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_ctrl_c_says_where_to_continue_and_the_continued_run_is_the_uninterrupted_one(tmp_path):
    flags = ("--steps", "4000", *SMALL)
    out = tmp_path / "stopped"
    process = start_script("demos/gaussian_mixture.py", *flags, "--out", out)
    wait_for(lambda: (out / "checkpoint.npz").exists())  # the checkpoint of step 2000
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    line = stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert line.startswith("gaussian_mixture.py: stopped by Ctrl-C at step ") and " of 4000; " in line, line
    assert f"the last checkpoint (step 2000) is in {out / 'checkpoint.npz'}; continue with: python " in line, line
    assert line.endswith(f"demos/gaussian_mixture.py --resume --out {out}"), line

    resumed = run_demo("--resume", "--out", out)  # the command the line gives
    assert resumed.returncode == 0, resumed.stderr
    straight = run_demo(*flags, "--out", tmp_path / "straight")
    assert straight.returncode == 0, straight.stderr
    np.testing.assert_array_equal(np.load(out / "samples.npy"), np.load(tmp_path / "straight" / "samples.npy"))


def test_sigterm_before_the_first_checkpoint_says_there_is_nothing_to_continue(tmp_path):
    process = start_script("demos/gaussian_mixture.py", "--steps", "100000", *SMALL, "--out", tmp_path)
    assert process.stdout.readline().startswith("training a GAN")
    assert process.stdout.readline().startswith("step 100/100000")  # inside the training loop
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert "stopped by SIGTERM at step " in stderr and " of 100000, before the run's first checkpoint; run it " \
           "again to start over" in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1 and not os.path.exists(tmp_path / "checkpoint.npz")
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_a_stop_outside_training_is_one_line_with_the_signals_exit_code():
    code = ("import signal, sys; sys.path.insert(0, 'demos'); import runs; "
            "sys.exit(runs.run(lambda: signal.raise_signal(signal.SIGTERM)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env=environment())
    one_line_error(result, "stopped by SIGTERM before training began; no file in --out was changed", code=143)
