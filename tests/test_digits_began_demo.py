"""The BEGAN digits demo: one-line errors (a bad --gamma among them), its outputs, the M_global and
FID series with their rank correlation, and a split run that continues exactly like an uninterrupted one."""

import json

import numpy as np
import pytest

from minigan.metrics import spearman
from tests.helpers import one_line_error, run_script
from tests.test_digits_demo import tiny_digits

SMALL = ("--batch-size", "16", "--width", "4")  # small networks: a quick run


def run_demo(*flags, cwd):
    return run_script("demos/digits_began.py", *flags, cwd=cwd)


BAD_GAMMA = [(("--gamma", text), f"argument --gamma: {why}") for text, why in [
    ("0", "'0' must be a number in (0.0, 1.0]"),
    ("1.5", "'1.5' must be a number in (0.0, 1.0]"),
    ("-1", "'-1' must be a number in (0.0, 1.0]"),
    ("nan", "'nan' must be a number in (0.0, 1.0]"),
    ("abc", "'abc' is not a number"),
]]


@pytest.mark.parametrize("flags, message", BAD_GAMMA + [
    (("--loss", "hinge"), "unrecognized arguments: --loss hinge"),  # BEGAN's loss is its own
    (("--full-res-width", "8"), "unrecognized arguments: --full-res-width 8"),
    (("--width", "0"), "--width: '0' must be an integer >= 1"),
    (("--resume", "--overwrite"), "--resume and --overwrite exclude each other"),
])
def test_a_bad_gamma_or_flag_gets_one_line_and_exit_code_2(tmp_path, flags, message):
    one_line_error(run_demo(*flags, cwd=tmp_path), message)


def test_a_short_run_writes_its_outputs_and_a_split_run_continues_exactly(tmp_path):
    data, out = tiny_digits(tmp_path), tmp_path / "out"
    first = run_demo("--data", data, "--steps", "500", *SMALL, "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "training BEGAN (gamma 0.5)" in first.stdout and "step 500/500" in first.stdout
    assert "| k " in first.stdout and "| m_global " in first.stdout  # the progress line shows k_t and M_global
    for name in ("samples.npy", "metrics.json", "checkpoint.npz", "samples.png", "reconstructions.png", "curves.png",
                 "training.gif", "grids/step_00500.png"):
        assert (out / name).stat().st_size > 0, name
    samples = np.load(out / "samples.npy")
    assert samples.shape == (1000, 1, 8, 8) and samples.dtype == np.float32 and np.abs(samples).max() <= 1
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "began" and metrics["gamma"] == 0.5 and metrics["steps"] == 500
    assert {"generated", "real held-out"} <= set(metrics["rows"])
    assert [r["step"] for r in metrics["history"]] == [100, 200, 300, 400, 500]
    assert all({"d_loss", "g_loss", "k", "m_global"} <= set(r) for r in metrics["history"])
    assert 0 <= metrics["k_final"] <= 1 and metrics["k_final"] == metrics["history"][-1]["k"]
    assert [s for s, _, _ in metrics["m_global_fid"]["series"]] == [500]
    assert metrics["m_global_fid"]["spearman"] is None  # one evaluation: nothing to rank
    n_classes = metrics["rows"]["generated"]["n_classes"]
    assert len(metrics["per_class_diversity"]) == n_classes

    resumed = run_demo("--resume", "--steps", "600", "--no-plots", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "step 600/600" in resumed.stdout and "step 500/600" not in resumed.stdout
    # the networks, the optimizers, k_t, the batch order and the noise all continue
    straight = run_demo("--data", data, "--steps", "600", *SMALL, "--no-plots", "--out", tmp_path / "straight",
                        cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr
    np.testing.assert_array_equal(np.load(out / "samples.npy"), np.load(tmp_path / "straight" / "samples.npy"))
    split, whole = (json.loads((folder / "metrics.json").read_text()) for folder in (out, tmp_path / "straight"))
    assert split["history"] == whole["history"] and split["k_final"] == whole["k_final"]
    series = whole["m_global_fid"]["series"]
    assert [s for s, _, _ in series] == [500, 600]
    rho = spearman([m for _, m, _ in series], [f for _, _, f in series])  # +-1 for two points; NaN if either ties
    assert whole["m_global_fid"]["spearman"] == (None if np.isnan(rho) else round(rho, 4))

