"""The InfoGAN digits demo: one-line errors, its outputs, and a split run that continues exactly
like an uninterrupted one."""

import json
import shutil

import numpy as np
import pytest

from minigan.data import load_idx_folder
from tests.helpers import one_line_error, run_script
from tests.test_digits_demo import tiny_digits

SMALL = ("--batch-size", "16", "--width", "8", "--full-res-width", "4")  # small networks: a quick run


def run_demo(*flags, cwd):
    return run_script("demos/digits_infogan.py", *flags, cwd=cwd)


def without_lambda_cont(path):
    """Rewrite the checkpoint ``path`` as the demo wrote it before --lambda-cont existed."""
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    meta = json.loads(str(arrays["__meta__"]))
    del meta["config"]["lambda_cont"]
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)


@pytest.mark.parametrize("flags, message", [
    (("--model", "acgan"), "unrecognized arguments: --model acgan"),  # one model: no --model
    (("--steps", "0"), "--steps: '0' must be an integer >= 1"),
    (("--batch-size", "1"), "--batch-size: '1' must be an integer >= 2"),
    (("--loss", "softmax"), "--loss 'softmax' is not one of"),
    (("--lambda-cont", "-0.5"), "--lambda-cont: '-0.5' must be a number in [0.0, inf)"),
    (("--resume", "--overwrite"), "--resume and --overwrite exclude each other"),
])
def test_bad_flags_get_one_line_and_exit_code_2(tmp_path, flags, message):
    one_line_error(run_demo(*flags, cwd=tmp_path), message)


def test_a_short_run_writes_its_outputs_and_a_split_run_continues_exactly(tmp_path):
    data = tiny_digits(tmp_path)
    out = tmp_path / "out"
    first = run_demo("--data", data, "--steps", "100", *SMALL, "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "training an InfoGAN (non-saturating loss)" in first.stdout and "step 100/100" in first.stdout
    assert "mi_cat" in first.stdout and "unsupervised accuracy" in first.stdout
    for name in ("samples.npy", "codes.npy", "heldout_codes.npy", "heldout_indices.npy", "metrics.json",
                 "checkpoint.npz", "codes.png", "continuous_1.png", "continuous_2.png", "curves.png",
                 "training.gif", "grids/step_00100.png"):
        assert (out / name).stat().st_size > 0, name
    samples, codes = np.load(out / "samples.npy"), np.load(out / "codes.npy")
    assert samples.shape == (1000, 1, 8, 8) and samples.dtype == np.float32 and np.abs(samples).max() <= 1
    np.testing.assert_array_equal(codes, np.repeat(np.arange(10), 100))  # 100 of each code, in code order
    test = load_idx_folder(str(data))[1]
    heldout_codes, indices = np.load(out / "heldout_codes.npy"), np.load(out / "heldout_indices.npy")
    assert heldout_codes.shape == (len(test),) and heldout_codes.min() >= 0 and heldout_codes.max() < 10
    np.testing.assert_array_equal(indices, test.indices)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "infogan" and metrics["steps"] == 100
    assert 0 < metrics["heldout_accuracy"] <= 1 and 0 < metrics["generated_accuracy"] <= 1
    assert sorted(metrics["code_to_class"]) == list(range(10))  # one-to-one
    assert [s for s, _ in metrics["mi_cat_history"]] == [100] and metrics["mi_cat_max"] == round(np.log(10), 4)
    assert {"generated", "real held-out"} <= set(metrics["rows"]) and metrics["config"]["lambda_cont"] == 1.0

    one_line_error(run_demo("--resume", "--lambda-cont", "0.1", "--out", out, cwd=tmp_path),
                   "--lambda-cont 0.1 differs from the checkpoint's 1.0")
    older = tmp_path / "older"  # a checkpoint from before --lambda-cont: its configuration has no lambda_cont
    shutil.copytree(out, older)
    without_lambda_cont(older / "checkpoint.npz")
    resumed = run_demo("--resume", "--steps", "150", "--no-plots", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "step 150/150" in resumed.stdout and "step 100/150" not in resumed.stdout
    assert run_demo("--resume", "--steps", "150", "--no-plots", "--out", older, cwd=tmp_path).returncode == 0
    # the networks, the optimizers, the batch order, the noise and the drawn codes all continue
    straight = run_demo("--data", data, "--steps", "150", *SMALL, "--no-plots", "--out", tmp_path / "straight",
                        cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr
    for name in ("samples.npy", "heldout_codes.npy"):
        np.testing.assert_array_equal(np.load(out / name), np.load(tmp_path / "straight" / name))
        np.testing.assert_array_equal(np.load(older / name), np.load(tmp_path / "straight" / name))
    assert json.loads((out / "metrics.json").read_text())["mi_cat_history"] == \
        json.loads((tmp_path / "straight" / "metrics.json").read_text())["mi_cat_history"]


def progress_losses(stdout, step):
    """``{name: value}`` of the progress line at ``step``."""
    line = next(line for line in stdout.splitlines() if line.startswith(f"step {step}/"))
    return {name: float(value) for name, value in (part.split() for part in line.split(" | ")[3:])}


@pytest.mark.parametrize("weight", ["0", "0.1"])
def test_lambda_cont_weighs_the_continuous_codes_in_gs_information_loss(tmp_path, weight):
    """G's L_I = CE + lambda_cont * NLL, and the progress line shows CE as log 10 - mi_cat: with
    lambda_cont 0 the two add up to log 10; otherwise the NLL, at least log(2 pi) for the two
    codes, adds lambda_cont times that."""
    data = tiny_digits(tmp_path)
    result = run_demo("--data", data, "--steps", "5", *SMALL, "--lambda-cont", weight, "--no-plots",
                      "--out", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    losses = progress_losses(result.stdout, 5)
    ce = np.log(10) - losses["mi_cat"]
    if weight == "0":
        assert abs(losses["g_info"] - ce) < 2e-3  # the printed values carry 4 digits
    else:  # log(2 pi) + 0.5 sum_j (c_j - mean_j)^2, about 1/3 above log(2 pi) for an untrained Q
        assert 0.99 * np.log(2 * np.pi) < (losses["g_info"] - ce) / float(weight) < 3.0


def test_the_default_folder_is_named_by_the_data(tmp_path):
    data = tiny_digits(tmp_path)
    result = run_demo("--data", data, "--steps", "2", *SMALL, "--no-plots", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    key = load_idx_folder(str(data))[0].key
    assert (tmp_path / "runs" / "digits_infogan" / key / "checkpoint.npz").exists()
