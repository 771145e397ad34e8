"""The semi-supervised digits demo and its baselines: one-line errors for impossible label counts,
a short run's outputs, an exact resume, the classifier alone (--no-gan), and the docs' trace."""

import json
import re

import numpy as np
import pytest

from minigan import to_numpy
from minigan.train import load_checkpoint
from tests.helpers import ROOT, one_line_error, run_script

pytest.importorskip("sklearn")  # the demo trains on scikit-learn's digits

SMALL = ("--width", "2", "--n-features", "4", "--g-width", "2", "--batch-size", "16")


def run_demo(*flags, cwd):
    return run_script("demos/digits_semisupervised.py", *flags, cwd=cwd)


def test_impossible_labels_and_flags_get_one_line(tmp_path):
    one_line_error(run_demo("--labels-per-class", "0", cwd=tmp_path),
                   "--labels-per-class: '0' must be an integer >= 1 (a class needs a labelled image)")
    one_line_error(run_demo("--labels-per-class", "500", "--out", tmp_path / "out", cwd=tmp_path),
                   "--labels-per-class: 500 labels per class is more than the")
    one_line_error(run_demo("--n-critic", "2", cwd=tmp_path), "--n-critic: the semi-supervised GAN updates D once")
    one_line_error(run_demo("--dropout", "1", cwd=tmp_path), "--dropout: '1' must be a number in [0.0, 1.0)")
    one_line_error(run_demo("--batch-size", "2000", cwd=tmp_path), "--batch-size: '2000' must be an integer <= 512")


def test_a_short_run_writes_its_outputs_and_resumes_exactly(tmp_path):
    from minigan.data import load_digits

    out, straight = tmp_path / "out", tmp_path / "straight"
    first = run_demo("--labels-per-class", "5", "--steps", "20", *SMALL, "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for name in ("samples.png", "confusion.png", "curves.png"):
        assert (out / name).stat().st_size > 0, name
    assert "step 20/20" in first.stdout and "on 50 labelled and 1208 unlabelled 8x8 digits images" in first.stdout
    resumed = run_demo("--resume", "--steps", "30", "--no-plots", "--out", out, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "step 30/30" in resumed.stdout and "step 20/30" not in resumed.stdout
    whole = run_demo("--labels-per-class", "5", "--steps", "30", *SMALL, "--no-plots", "--out", straight, cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr
    for part in ("discriminator", "generator"):
        for name, value in load_checkpoint(out / "checkpoint.npz")[part].items():
            np.testing.assert_array_equal(value, load_checkpoint(straight / "checkpoint.npz")[part][name], name)

    _, test = load_digits()
    predictions, indices = np.load(out / "test_predictions.npy"), np.load(out / "test_indices.npy")
    assert predictions.shape == (len(test),) and set(predictions) <= set(range(10))
    np.testing.assert_array_equal(indices, test.indices)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 30 and metrics["test_images"] == len(test)
    assert np.isclose(metrics["test_accuracy"], (predictions == to_numpy(test.labels)).mean())
    assert len(metrics["per_class_accuracy"]) == 10 and np.sum(metrics["confusion"]) == len(test)
    assert len(metrics["labelled_indices"]) == 50 and not set(metrics["labelled_indices"]) & set(indices)
    assert [r["step"] for r in metrics["history"]] == [20, 30]
    assert all(0 <= r["test_accuracy"] <= 1 and "g_loss" in r for r in metrics["history"])


def test_without_a_gan_the_classifier_trains_alone_and_draws_its_figures(tmp_path):
    out = tmp_path / "out"
    result = run_demo("--no-gan", "--steps", "10", "--width", "2", "--n-features", "4", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "classifier without a GAN on 100 labelled 8x8 digits images" in result.stdout
    for name in ("test_predictions.npy", "test_indices.npy", "metrics.json", "confusion.png", "curves.png"):
        assert (out / name).stat().st_size > 0, name
    assert not (out / "samples.png").exists()
    saved = load_checkpoint(out / "checkpoint.npz")
    assert "generator" not in saved and saved["config"]["no_gan"] is True
    one_line_error(run_demo("--resume", "--steps", "12", "--labels-per-class", "5", "--out", out, cwd=tmp_path),
                   "--labels-per-class 5 differs from the checkpoint's 10")


def test_the_baselines_score_both_methods_on_the_demos_labels(tmp_path):
    result = run_script("demos/semisupervised_baselines.py", "--seeds", "0", "--labels-per-class", "5",
                        "--json", tmp_path / "b.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    scores = json.loads((tmp_path / "b.json").read_text())
    assert set(scores) == {"SVC (RBF), 5 labels per class", "LabelSpreading (kNN), 5 labels per class"}
    assert all(0.5 < by_seed["0"] <= 1 for by_seed in scores.values())
    assert "| SVC (RBF), 5 labels per class | " in result.stdout


def test_the_docs_trace_excerpt_is_the_scripts_output():
    # NumPy's numbers, as printed in the guide: the same seed draws other numbers on CuPy
    result = run_script("docs/figures/semisupervised_trace.py", env={"MINIGAN_BACKEND": "numpy"})
    assert result.returncode == 0, result.stderr
    printed = {" ".join(line.split()) for line in result.stdout.splitlines()}
    guide = (ROOT / "docs" / "semisupervised.md").read_text()
    excerpt = re.search(r"^```text\n(.*?)^```", guide[guide.index("semisupervised_trace.py"):], re.S | re.M).group(1)
    lines = [" ".join(line.split()) for line in excerpt.splitlines() if line.strip() != "..."]
    assert len(lines) > 10 and "gradients reached: D.head.1.weight, D.head.1.bias" in lines[-1]
    assert [line for line in lines if line not in printed] == []
