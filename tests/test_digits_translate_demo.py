"""The translation demo: one-line errors, the outputs of each model, and a CycleGAN run resumed
from its checkpoint (tests/test_translation.py checks that the trainers resume exactly)."""

import json

import numpy as np
import pytest

from tests.helpers import one_line_error, run_script

SMALL = ("--width", "2", "--batch-size", "4")  # tiny networks: a quick run


def run_demo(*flags, cwd):
    return run_script("demos/digits_translate.py", *flags, cwd=cwd)


@pytest.fixture
def cached_classifier(tmp_path):
    """A tiny B classifier cached where the demo looks for it (under the data's key, in
    tmp_path/runs/classifiers), so that the demo trains none."""
    pytest.importorskip("sklearn", reason="the demo's digits need scikit-learn: pip install -e '.[digits]'")
    from minigan.data import load_digits_on_photos
    from minigan.metrics import save_classifier, train_classifier

    train, test = load_digits_on_photos()
    model, accuracy = train_classifier(train.b, test.b, steps=2, width=2, n_features=4)
    save_classifier(tmp_path / "runs" / "classifiers" / f"{train.b.key}.npz", model, accuracy, train.b.key)
    return tmp_path


def test_bad_flags_get_one_line_and_exit_code_2(tmp_path):
    one_line_error(run_demo("--model", "gan", cwd=tmp_path), "argument --model: invalid choice: 'gan'")
    one_line_error(run_demo("--steps", "0", cwd=tmp_path), "--steps: '0' must be an integer >= 1")
    one_line_error(run_demo("--lambda-l1", "-1", cwd=tmp_path), "--lambda-l1: '-1' must be a number in [0.0, 10000.0)")
    one_line_error(run_demo("--model", "cyclegan", "--lambda-l1", "10", cwd=tmp_path),
                   "--lambda-l1 is pix2pix's; CycleGAN has no use for it")
    one_line_error(run_demo("--n-blocks", "3", cwd=tmp_path), "--n-blocks is CycleGAN's; pix2pix has no use for it")
    one_line_error(run_demo("--loss", "wgan-gp", cwd=tmp_path), "--loss 'wgan-gp' is not one of hinge, least-squares")
    one_line_error(run_demo("--resume", "--overwrite", cwd=tmp_path), "--resume and --overwrite exclude each other")


def test_a_short_pix2pix_run_writes_its_outputs(cached_classifier):
    out = cached_classifier / "out"
    result = run_demo("--steps", "20", *SMALL, "--out", out, cwd=cached_classifier)
    assert result.returncode == 0, result.stderr
    assert "training pix2pix (non-saturating loss) from 1258 plain digits" in result.stdout
    assert "step 20/20" in result.stdout and "class preserved in G(a)" in result.stdout
    for name in ("samples.npy", "metrics.json", "checkpoint.npz", "translations.png", "curves.png", "training.gif",
                 "grids/step_00020.png"):
        assert (out / name).stat().st_size > 0, name
    samples = np.load(out / "samples.npy")
    assert samples.shape == (539, 3, 16, 16) and samples.dtype == np.float32 and np.abs(samples).max() <= 1
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "pix2pix" and metrics["steps"] == 20 and metrics["config"]["lambda_l1"] == 100
    assert 0 <= metrics["class_preserved"] <= 1 and 0 < metrics["l1"] <= 2 and "domain_adaptation" not in metrics
    assert {"generated", "real held-out"} <= set(metrics["rows"])


def test_a_short_cyclegan_run_writes_its_outputs_and_resumes(cached_classifier):
    tmp_path, out = cached_classifier, cached_classifier / "out"
    flags = ("--model", "cyclegan", *SMALL, "--history-size", "4", "--classifier-steps", "3")
    first = run_demo(*flags, "--steps", "6", "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "training CycleGAN (least-squares loss) from 629 plain digits on 629 real" in first.stdout
    assert "cycle" in first.stdout and "gap closed" in first.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["domain_adaptation"]) == {"adapted", "source_only", "target_oracle", "gap_closed"}
    assert metrics["cycle_l1"] > 0 and (out / "translations.png").stat().st_size > 0

    one_line_error(run_demo("--resume", "--model", "pix2pix", "--out", out, cwd=tmp_path),
                   "--model pix2pix differs from the checkpoint's cyclegan")
    resumed = run_demo("--resume", "--steps", "10", "--no-plots", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "step 10/10" in resumed.stdout and "step 6/10" not in resumed.stdout
    assert json.loads((out / "metrics.json").read_text())["steps"] == 10
