"""The digits demo: one-line errors, what to install, a short run on IDX files that resumes (on
the checkpoint's data), caches and folders named by the data, and the penalty losses' critic
without BatchNorm."""

import json
import os

import numpy as np

from minigan.metrics import save_classifier, train_classifier
from minigan.data import load_idx_folder
from minigan.train import load_checkpoint
from tests.test_images import idx_bytes, write_mnist
from tests.helpers import one_line_error, run_script


def run_demo(*flags, cwd, pythonpath=()):
    return run_script("demos/digits_dcgan.py", *flags, cwd=cwd, pythonpath=pythonpath)


def tiny_digits(tmp_path, folder="tiny", seed=0):
    """A tiny IDX data set in tmp_path/<folder>, with a small cached classifier (under the data's
    key, in tmp_path/runs/classifiers) so that the demo trains none."""
    data = tmp_path / folder
    data.mkdir(parents=True)
    write_mnist(data, n_train=64, n_test=32, seed=seed)
    train, test = load_idx_folder(str(data))
    model, accuracy = train_classifier(train, test, steps=2, width=2, n_features=4)
    save_classifier(tmp_path / "runs" / "classifiers" / f"{train.key}.npz", model, accuracy, train.key)
    return data


def test_bad_flags_and_data_get_one_line(tmp_path):
    one_line_error(run_demo("--steps", "0", cwd=tmp_path), "--steps: '0' must be an integer >= 1")
    one_line_error(run_demo("--loss", "softmax", cwd=tmp_path), "--loss 'softmax' is not one of")
    one_line_error(run_demo("--train-class", cwd=tmp_path), "unrecognized arguments: --train-class")  # no abbreviations
    one_line_error(run_demo("--data", "", cwd=tmp_path), "argument --data: '' is empty")
    one_line_error(run_demo("--data", str(tmp_path / "none"), cwd=tmp_path), "no such folder")
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08")
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"")
    one_line_error(run_demo("--data", str(tmp_path), cwd=tmp_path), "truncated IDX file: 3 bytes")


def test_missing_scikit_learn_says_what_to_install(tmp_path):
    fake = tmp_path / "fake" / "sklearn"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no scikit-learn here')\n")
    one_line_error(run_demo(cwd=tmp_path, pythonpath=[tmp_path / "fake"]), 'pip install -e ".[digits]"')


def test_short_run_on_idx_files_writes_its_outputs_and_resumes_exactly(tmp_path):
    data = tiny_digits(tmp_path)
    out = tmp_path / "out"
    first = run_demo("--data", str(data), "--steps", "200", "--batch-size", "16", "--out", str(out), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "step 200/200" in first.stdout and "FID (tiny-classifier features)" in first.stdout
    for name in ("samples.npy", "metrics.json", "checkpoint.npz", "samples.png", "curves.png", "training.gif",
                 "grids/step_00200.png"):
        assert (out / name).stat().st_size > 0, name
    samples = np.load(out / "samples.npy")
    assert samples.shape == (1000, 1, 8, 8) and np.abs(samples).max() <= 1
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["rows"]) == {"real train (floor)", "generated", "noise (ceiling)", "real held-out"}
    assert all(0.1 <= row["confidence"] <= 1 for row in metrics["rows"].values())  # from 1 / K to 1
    assert metrics["steps"] == 200 and metrics["score"] == "FID (tiny-classifier features)"

    one_line_error(run_demo("--data", str(data), "--resume", "--lr", "0.5", "--out", str(out), cwd=tmp_path),
                   "--lr 0.5 differs from the checkpoint's")
    resumed = run_demo("--resume", "--steps", "300", "--no-plots", "--out", str(out), cwd=tmp_path)  # its data too
    assert resumed.returncode == 0, resumed.stderr
    assert "step 300/300" in resumed.stdout and "step 200/300" not in resumed.stdout
    assert json.loads((out / "metrics.json").read_text())["steps"] == 300

    # the generator, the optimizers, the batch order and the noise all continue where they stopped
    straight = run_demo("--data", str(data), "--steps", "300", "--batch-size", "16", "--no-plots",
                        "--out", str(tmp_path / "straight"), cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr
    np.testing.assert_array_equal(np.load(out / "samples.npy"), np.load(tmp_path / "straight" / "samples.npy"))


def test_a_run_trained_without_plots_draws_its_figures_when_resumed_with_them(tmp_path):
    data = tiny_digits(tmp_path)
    out = tmp_path / "out"
    first = run_demo("--data", str(data), "--steps", "2", "--batch-size", "16", "--no-plots", "--out", str(out),
                     cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    resumed = run_demo("--resume", "--out", str(out), cwd=tmp_path)  # no step left: only the figures
    assert resumed.returncode == 0, resumed.stderr
    assert "training.gif not written: the run recorded no frames (it trained with --no-plots)" in resumed.stdout
    assert (out / "samples.png").stat().st_size > 0 and (out / "curves.png").stat().st_size > 0
    assert not (out / "training.gif").exists()


def test_too_large_batch_and_bad_cached_classifier_are_clear_errors(tmp_path):
    data = tmp_path / "tiny"
    data.mkdir()
    write_mnist(data, n_train=8, n_test=4)
    cache = tmp_path / "runs" / "classifiers"
    cache.mkdir(parents=True)
    (cache / f"{load_idx_folder(str(data))[0].key}.npz").write_bytes(idx_bytes(np.zeros(3, dtype=np.uint8)))
    one_line_error(run_demo("--data", str(data), cwd=tmp_path), "--batch-size 64 is more than the 8 training images")
    one_line_error(run_demo("--data", str(data), "--batch-size", "4", cwd=tmp_path),
                   "retrain it with --train-classifier")


def test_penalty_losses_train_a_critic_without_batch_norm(tmp_path):
    data = tiny_digits(tmp_path)
    for loss in ("wgan-gp", "ns-r1"):
        out = tmp_path / loss
        result = run_demo("--data", str(data), "--loss", loss, "--steps", "2", "--batch-size", "16", "--no-plots",
                          "--out", str(out), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"({loss} loss)" in result.stdout
        critic = load_checkpoint(out / "checkpoint.npz")["discriminator"]
        # layer 4, the second strided convolution (after the full-resolution one), has the bias
        # that BatchNorm's shift gave
        assert "4.bias" in critic and not any("running" in name for name in critic), sorted(critic)


def test_short_wgan_gp_run_uses_the_papers_settings_and_moves_both_losses(tmp_path):
    data = tiny_digits(tmp_path)
    out = tmp_path / "out"
    flags = ("--data", str(data), "--loss", "wgan-gp", "--batch-size", "16", "--no-plots", "--out", str(out))
    first = run_demo(*flags, "--steps", "5", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    resumed = run_demo(*flags, "--resume", "--steps", "10", cwd=tmp_path)  # the same BatchNorm-free critic loads
    assert resumed.returncode == 0, resumed.stderr
    saved = load_checkpoint(out / "checkpoint.npz")
    config = saved["config"]
    assert (config["n_critic"], config["lr"], tuple(config["betas"])) == (5, 1e-4, (0.5, 0.9))
    at_5, at_10 = saved["history"]
    # D's loss starts at the penalty 10 (0 - 1)^2 of a critic with a tiny input gradient and falls
    # as that gradient grows; G's loss -mean D(G(z)) starts at 0 and follows D
    assert 10 > at_5["d_loss"] > at_10["d_loss"] + 0.1
    assert abs(at_10["g_loss"] - at_5["g_loss"]) > 0.005


def test_resume_trains_on_the_checkpoints_data_and_refuses_other_data(tmp_path):
    data = tiny_digits(tmp_path)
    other = tiny_digits(tmp_path, "other", seed=1)
    out = tmp_path / "out"
    first = run_demo("--data", data, "--steps", "2", "--batch-size", "16", "--no-plots", "--out", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    one_line_error(run_demo("--resume", "--data", other, "--out", out, cwd=tmp_path),
                   f"--data {other} differs from the checkpoint's {data}")
    write_mnist(data, n_train=64, n_test=32, seed=2)  # other images in the checkpoint's folder
    one_line_error(run_demo("--resume", "--steps", "3", "--out", out, cwd=tmp_path),
                   f"--resume: the data in {data} is not the data of {out / 'checkpoint.npz'}")


def test_data_sets_in_folders_of_one_name_never_share_a_classifier_or_a_folder(tmp_path):
    first, second = tiny_digits(tmp_path, "a/raw"), tiny_digits(tmp_path, "b/raw", seed=1)
    keys = [load_idx_folder(str(folder))[0].key for folder in (first, second)]
    assert keys[0] != keys[1] and all(key.startswith("raw-") for key in keys)
    result = run_demo("--data", first, "--steps", "2", "--batch-size", "16", "--no-plots", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "runs" / "digits_dcgan" / keys[0] / "checkpoint.npz").exists()  # the default folder
    assert f"cached in {os.path.join('runs', 'classifiers', keys[0])}.npz" in result.stdout


def test_sizes_the_networks_cannot_take_are_refused_before_training(tmp_path):
    one_line_error(run_demo("--batch-size", "1", cwd=tmp_path),
                   "--batch-size: '1' must be an integer >= 2 (G's BatchNorm normalises over the batch")
    one_line_error(run_demo("--batch-size", "100000", cwd=tmp_path), "--batch-size: '100000' must be an integer <= 512")
    write_mnist(tmp_path, size=10)
    one_line_error(run_demo("--data", tmp_path, cwd=tmp_path),
                   "--data: DCGAN needs an image size that is a multiple of 4")


def test_an_unwritable_classifier_cache_is_refused_before_training_the_classifier(tmp_path):
    data = tmp_path / "tiny"
    data.mkdir()
    write_mnist(data, n_train=64, n_test=32)
    result = run_demo("--data", data, "--out", tmp_path / "out", cwd="/proc")  # runs/classifiers cannot be made
    one_line_error(result, "the classifier cache runs/classifiers: cannot write there")
    assert "training the scoring classifier" not in result.stdout
