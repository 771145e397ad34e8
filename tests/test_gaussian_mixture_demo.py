"""The Gaussian-mixture demo: its flags, its outputs, resuming, and a short run that covers modes."""

import json

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.data import ring
from minigan.metrics import mode_metrics
from minigan.models import mlp_discriminator, mlp_generator
from minigan.train import GANTrainer, fit, load_checkpoint
from tests.helpers import run_script


def run_demo(*flags, env=None):
    return run_script("demos/gaussian_mixture.py", *flags, env=env)


@pytest.mark.parametrize("flags, message", [
    (["--steps", "0"], "--steps: '0' must be an integer >= 1"),
    (["--steps", "ten"], "--steps: 'ten' is not an integer"),
    (["--lr", "-1"], "--lr: '-1' must be a positive finite number"),
    (["--lr", "inf"], "--lr: 'inf' must be a positive finite number"),
    (["--seed", "-3"], "--seed: '-3' must be an integer >= 0"),
    (["--n-critic", "0"], "--n-critic: '0' must be an integer >= 1"),
    (["--width", "0"], "--width: '0' must be an integer >= 1"),
    (["--r1-gamma", "0"], "--r1-gamma: '0' must be a positive finite number"),
    (["--r1-gamma", "0.1"], "--r1-gamma applies to the losses with an R1 penalty (ns-r1, ls-r1), not to "
                            "least-squares"),
    (["--r1-every", "0"], "--r1-every: '0' must be an integer >= 1"),
    (["--r1-every", "4"], "--r1-every applies to the losses with an R1 penalty (ns-r1, ls-r1), not to "
                          "least-squares"),
    (["--dataset", "moons"], "--dataset: invalid choice: 'moons'"),
    (["--loss", "softmax"], "--loss 'softmax' is not one of"),
    (["--batch-size", "30"], "--batch-size 30 must be a multiple of the pack size 4"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--no-plot"], "unrecognized arguments: --no-plot"),  # no abbreviation of --no-plots
    (["--width", "100000"], "--width: '100000' must be an integer <= 1024 (a size bounded so that the networks' "
                            "arrays fit in memory)"),
    (["--batch-size", "1000000"], "--batch-size: '1000000' must be an integer <= 16384"),
    (["--n-critic", "1000000000"], "--n-critic: '1000000000' must be an integer <= 100"),
    (["--r1-every", "1000000000"], "--r1-every: '1000000000' must be an integer <= 1000"),
])
def test_bad_flags_get_one_line_and_exit_code_2(tmp_path, flags, message):
    result = run_demo(*flags, "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unusable_backend_gets_one_line_and_exit_code_2(tmp_path):
    result = run_demo("--out", str(tmp_path), env={"MINIGAN_BACKEND": "tpu"})
    assert result.returncode == 2
    assert "MINIGAN_BACKEND='tpu' is not a backend" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_out_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    result = run_demo("--steps", "1", "--out", str(tmp_path / "taken"))
    assert result.returncode == 2 and "--out" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_resume_without_a_checkpoint_is_a_clear_error(tmp_path):
    result = run_demo("--resume", "--out", str(tmp_path / "empty"))
    assert result.returncode == 2 and "no checkpoint at" in result.stderr


def test_demo_writes_its_outputs_and_resumes(tmp_path):
    out = tmp_path / "ring"
    first = run_demo("--steps", "200", "--n-critic", "2", "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "step 200/200" in first.stdout and "modes" in first.stdout
    for name in ("samples.npy", "metrics.json", "checkpoint.npz", "samples.png", "curves.png", "training.gif"):
        assert (out / name).stat().st_size > 0, name
    assert np.load(out / "samples.npy").shape == (2500, 2)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 200 and metrics["config"]["dataset"] == "ring"
    assert {"modes", "high_quality", "reverse_kl", "seconds"} <= set(metrics)
    assert metrics["config"]["n_critic"] == 2  # from --n-critic, over the ring's default of 1

    contradicting = run_demo("--resume", "--lr", "0.5", "--out", str(out))
    assert contradicting.returncode == 2 and "--lr 0.5 differs from the checkpoint's" in contradicting.stderr
    resumed = run_demo("--resume", "--steps", "300", "--no-plots", "--out", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert "step 300/300" in resumed.stdout and "step 100/300" not in resumed.stdout
    assert json.loads((out / "metrics.json").read_text())["steps"] == 300


def test_a_run_trained_without_plots_draws_its_figures_when_resumed_with_them(tmp_path):
    out = tmp_path / "ring"
    first = run_demo("--steps", "2", "--no-plots", "--out", str(out))
    assert first.returncode == 0, first.stderr
    resumed = run_demo("--resume", "--out", str(out))  # no step left: only the figures
    assert resumed.returncode == 0, resumed.stderr
    assert "training.gif not written: the run recorded no frames (it trained with --no-plots)" in resumed.stdout
    assert (out / "samples.png").stat().st_size > 0 and not (out / "training.gif").exists()


def test_r1_settings_are_the_losss_own_unless_the_flags_set_them(tmp_path):
    """The grid's ls-r1 records its own gamma and interval, 0.05 and every 8th update of D,
    unless --r1-gamma and --r1-every say otherwise."""
    recorded = []
    for name, flags in (("own", ()), ("flags", ("--r1-gamma", "0.1", "--r1-every", "4"))):
        result = run_demo("--dataset", "grid", "--steps", "2", "--no-plots", *flags, "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        config = json.loads((tmp_path / name / "metrics.json").read_text())["config"]
        recorded.append((config["r1_gamma"], config["r1_every"]))
    assert recorded == [(0.05, 8), (0.1, 4)]


def test_width_is_each_datasets_own_unless_the_flag_sets_it(tmp_path):
    """The ring's networks have hidden layers of 112 and the grid's of 96, unless --width says otherwise;
    the checkpoint's first layer of G shows the width the run used."""
    shapes = []
    for dataset, flags in (("ring", ()), ("grid", ()), ("grid", ("--width", "24"))):
        out = tmp_path / f"{dataset}{len(flags)}"
        result = run_demo("--dataset", dataset, "--steps", "1", "--no-plots", *flags, "--out", str(out))
        assert result.returncode == 0, result.stderr
        shapes.append(load_checkpoint(out / "checkpoint.npz")["generator"]["0.weight"].shape)
    assert shapes == [(112, 8), (96, 8), (24, 8)]


def test_short_seeded_run_covers_several_modes_of_the_ring():
    minigan.manual_seed(0)
    data = ring()
    G, D = mlp_generator(8), mlp_discriminator(pack=4)
    trainer = GANTrainer(G, D, optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999)),
                         optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999)),
                         data.sample, z_dim=8, batch_size=256, loss="least-squares")
    fit(trainer, 2500, progress=False)  # at 1500 steps, 5 to 8 modes over seeds 0-5 and both backends
    with minigan.no_grad():
        scores = mode_metrics(G(trainer.noise(2500)), data.centers, data.std)
    assert scores["modes"] >= 6
