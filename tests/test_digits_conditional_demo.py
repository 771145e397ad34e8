"""The conditional digits demo: one-line errors, its outputs, and a split run that continues
exactly like an uninterrupted one."""

import json

import numpy as np

from minigan.data import load_idx_folder
from tests.helpers import one_line_error, run_script
from tests.test_digits_demo import tiny_digits

SMALL = ("--batch-size", "16", "--width", "8", "--full-res-width", "4")  # small networks: a quick run


def run_demo(*flags, cwd):
    return run_script("demos/digits_conditional.py", *flags, cwd=cwd)


def test_bad_flags_get_one_line_and_exit_code_2(tmp_path):
    one_line_error(run_demo("--model", "infogan", cwd=tmp_path), "argument --model: invalid choice: 'infogan'")
    one_line_error(run_demo("--steps", "0", cwd=tmp_path), "--steps: '0' must be an integer >= 1")
    one_line_error(run_demo("--full-res-width", "-1", cwd=tmp_path), "--full-res-width: '-1' must be an integer >= 0")
    one_line_error(run_demo("--loss", "softmax", cwd=tmp_path), "--loss 'softmax' is not one of")
    one_line_error(run_demo("--resume", "--overwrite", cwd=tmp_path), "--resume and --overwrite exclude each other")


def test_a_short_run_writes_its_outputs_and_a_split_run_continues_exactly(tmp_path):
    data = tiny_digits(tmp_path)
    out = tmp_path / "out"
    first = run_demo("--model", "acgan", "--data", data, "--steps", "100", *SMALL, "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "training an ACGAN (non-saturating loss)" in first.stdout and "step 100/100" in first.stdout
    assert "d_class" in first.stdout and "conditional accuracy" in first.stdout
    for name in ("samples.npy", "labels.npy", "metrics.json", "checkpoint.npz", "classes.png", "same_z.png",
                 "slerp.png", "curves.png", "training.gif", "grids/step_00100.png"):
        assert (out / name).stat().st_size > 0, name
    samples, labels = np.load(out / "samples.npy"), np.load(out / "labels.npy")
    assert samples.shape == (1000, 1, 8, 8) and samples.dtype == np.float32 and np.abs(samples).max() <= 1
    np.testing.assert_array_equal(labels, np.repeat(np.arange(10), 100))  # 100 of each class, in class order
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "acgan" and metrics["steps"] == 100 and metrics["config"]["model"] == "acgan"
    assert 0 <= metrics["conditional_accuracy"] <= 1 and metrics["diversity"] > 0
    assert len(metrics["per_class_accuracy"]) == len(metrics["per_class_diversity"]) == 10
    assert {"generated", "real held-out"} <= set(metrics["rows"]) and "confidence" in metrics["rows"]["generated"]
    assert set(metrics["real_train"]) == {"accuracy", "per_class_accuracy", "diversity", "per_class_diversity"}

    one_line_error(run_demo("--resume", "--model", "cgan", "--out", out, cwd=tmp_path),
                   "--model cgan differs from the checkpoint's acgan")
    resumed = run_demo("--resume", "--steps", "150", "--no-plots", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "step 150/150" in resumed.stdout and "step 100/150" not in resumed.stdout
    # the networks, the optimizers, the batch order, the noise and the drawn labels all continue
    straight = run_demo("--model", "acgan", "--data", data, "--steps", "150", *SMALL, "--no-plots",
                        "--out", tmp_path / "straight", cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr
    np.testing.assert_array_equal(np.load(out / "samples.npy"), np.load(tmp_path / "straight" / "samples.npy"))


def test_the_default_folder_is_named_by_the_model_and_the_data(tmp_path):
    data = tiny_digits(tmp_path)
    result = run_demo("--data", data, "--steps", "2", *SMALL, "--no-plots", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    key = load_idx_folder(str(data))[0].key
    assert (tmp_path / "runs" / "digits_conditional" / "cgan" / key / "checkpoint.npz").exists()
    assert "training a cGAN (non-saturating loss)" in result.stdout
