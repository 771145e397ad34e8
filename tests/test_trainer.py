"""The alternating trainer, its loop, its progress display and its checkpoints."""

import io
import os

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.gan import LOSSES
from minigan.train import GANTrainer, NonFiniteLossError, TrainingInterrupted, fit, load_checkpoint, save_checkpoint
from minigan.train import checkpoint as checkpoint_module
from minigan.train import progress as progress_module
from minigan.train.progress import Progress
from minigan.train.trainer import grad_norm


def _models(width=8, dtype="float64"):
    G = nn.Sequential(nn.Linear(3, width, dtype=dtype), nn.LeakyReLU(0.2), nn.Linear(width, 2, dtype=dtype))
    D = nn.Sequential(nn.Linear(2, width, dtype=dtype), nn.LeakyReLU(0.2), nn.Linear(width, 1, dtype=dtype))
    return G, D


def _trainer(width=8, loss="non-saturating", n_critic=1, sample_real=None, seed=0, ema_decay=None,
             ema_warmup=False):
    minigan.manual_seed(seed)
    G, D = _models(width)
    sample_real = sample_real or (lambda n: minigan.randn(n, 2, dtype="float64") * 0.5 + 1.0)
    return GANTrainer(G, D, optim.Adam(G.parameters(), lr=1e-2, betas=(0.5, 0.999)),
                      optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999)), sample_real,
                      z_dim=3, batch_size=16, loss=loss, n_critic=n_critic, ema_decay=ema_decay,
                      ema_warmup=ema_warmup)


def _arrays(module):
    return [p.numpy().copy() for p in module.parameters()]


def _noise(trainer):
    trainer.noise = lambda n: minigan.randn(n, trainer.z_dim, dtype="float64")


@pytest.mark.parametrize("loss", ["minimax", "non-saturating", "least-squares", "hinge", "wasserstein"])
def test_each_move_changes_only_its_own_network(xp, loss):
    trainer = _trainer(loss=loss)
    _noise(trainer)
    G_before, D_before = _arrays(trainer.generator), _arrays(trainer.discriminator)
    trainer.discriminator_step()
    assert all(np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))
    assert not all(np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))
    assert all(p.grad is None for p in trainer.generator.parameters())

    D_grads = [p.grad for p in trainer.discriminator.parameters()]
    D_before = _arrays(trainer.discriminator)
    trainer.generator_step()
    assert all(np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))
    assert all(g is p.grad for g, p in zip(D_grads, trainer.discriminator.parameters()))  # .grad untouched
    assert not all(np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))


def test_generator_gradient_through_the_discriminator_matches_finite_differences(xp):
    trainer = _trainer()
    G, D, loss = trainer.generator, trainer.discriminator, trainer.loss
    z = minigan.randn(5, 3, dtype="float64")
    params = list(G.parameters())
    minigan.gradcheck(lambda *ps: loss.g(D(G(z))), params)

    trainer.noise = lambda n: z  # the trainer's own step must produce those same gradients
    expected = minigan.grad(loss.g(D(G(z))), params)
    trainer.g_optimizer.step = lambda: None  # look at the gradients before they are applied
    trainer.generator_step()
    for p, g in zip(params, expected):
        np.testing.assert_allclose(p.grad.numpy(), g.numpy(), rtol=1e-12)
        assert np.abs(g.numpy()).max() > 0  # a silently zero generator gradient fails here


def test_n_critic_discriminator_updates_per_generator_update(xp):
    trainer = _trainer(n_critic=3)
    stats = trainer.step()
    assert stats["step"] == 1 and trainer.steps == 1
    assert trainer.d_optimizer.state[0]["step"] == 3
    assert trainer.g_optimizer.state[0]["step"] == 1
    for key in ("d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm"):
        assert np.isfinite(float(stats[key]))


def test_grad_norm_is_the_norm_of_all_gradients_together(xp):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(shape).astype(np.float32) for shape in ((3, 4), (4,))]
    params = [nn.Parameter(xp.zeros(g.shape, dtype="float32")) for g in grads + [grads[0]]]
    for p, g in zip(params, grads):  # the last parameter has no gradient: it is left out
        p.grad = minigan.Tensor(xp.asarray(g))
    expected = np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in grads))
    np.testing.assert_allclose(float(grad_norm(params)), expected, rtol=1e-6)
    assert grad_norm(params[2:]) == 0.0


def test_lazy_penalty_on_every_kth_discriminator_update(xp):
    loss = LOSSES["ls-r1"]()
    loss.penalty_every = 4
    trainer = _trainer(loss=loss, n_critic=3)
    updates, penalised = [0], []
    d_step, penalty = trainer.d_optimizer.step, trainer.loss.penalty

    def counting_step():
        updates[0] += 1
        d_step()

    def recording_penalty(D, real, fake):
        penalised.append(updates[0])  # the index of the D update being made
        return penalty(D, real, fake)

    trainer.d_optimizer.step, trainer.loss.penalty = counting_step, recording_penalty
    for _ in range(4):
        trainer.step()
    assert updates[0] == 12 and penalised == [0, 4, 8]


def test_a_lazy_penalty_counts_k_times(xp):
    losses = []
    for with_penalty in (True, False):
        loss = LOSSES["ls-r1"]()
        loss.penalty_every = 3
        # a penalty of 0.5 on the real batch's backend and dtype (a NumPy constant would not mix with CuPy)
        loss.penalty = lambda D, real, fake: (real * 0.0).sum() + 0.5
        losses.append(_trainer(loss=loss).discriminator_step(with_penalty)[0].item())
    assert losses[0] - losses[1] == pytest.approx(3 * 0.5, rel=1e-12)


@pytest.mark.parametrize("every", [0, 2.5])
def test_a_penalty_interval_that_is_not_a_positive_integer_is_refused(every):
    loss = LOSSES["ls-r1"]()
    loss.penalty_every = every
    message = rf"LeastSquaresR1\(gamma=0.05\): penalty_every must be a positive integer.*got {every}"
    with pytest.raises(ValueError, match=message):
        _trainer(loss=loss)


def test_wasserstein_clips_the_critic(xp):
    trainer = _trainer(loss="wasserstein")
    trainer.step()
    for p in trainer.discriminator.parameters():
        assert np.abs(p.numpy()).max() <= 0.01


def test_checkpoint_round_trip(tmp_path, xp):
    trainer = _trainer()
    for _ in range(3):
        trainer.step()
    path = tmp_path / "run" / "checkpoint.npz"
    save_checkpoint(path, {**trainer.state_dict(), "config": {"lr": 0.01, "name": "ring"}})
    state = load_checkpoint(path)
    assert state["config"] == {"lr": 0.01, "name": "ring"} and state["steps"] == 3
    other = _trainer(seed=1)
    other.load_state_dict(state)
    for a, b in zip(_arrays(trainer.generator) + _arrays(trainer.discriminator),
                    _arrays(other.generator) + _arrays(other.discriminator)):
        np.testing.assert_array_equal(a, b)
    with np.load(path, allow_pickle=False) as raw:  # readable without pickle
        assert "__meta__" in raw.files


def test_resumed_run_repeats_the_uninterrupted_one(tmp_path):
    straight = _trainer()
    expected = [float(straight.step()["g_loss"]) for _ in range(6)]

    first = _trainer()
    got = [float(first.step()["g_loss"]) for _ in range(3)]
    save_checkpoint(tmp_path / "c.npz", first.state_dict())
    resumed = _trainer(seed=99)  # another seed: everything must come from the checkpoint
    resumed.load_state_dict(load_checkpoint(tmp_path / "c.npz"))
    got += [float(resumed.step()["g_loss"]) for _ in range(3)]
    assert got == expected
    for a, b in zip(_arrays(straight.generator), _arrays(resumed.generator)):
        np.testing.assert_array_equal(a, b)


def test_a_crash_while_writing_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "c.npz"
    save_checkpoint(path, {"steps": 1, "w": np.arange(3.0)})
    before = path.read_bytes()

    def crash(f, **arrays):
        f.write(b"half a file")
        raise KeyboardInterrupt  # the process dies mid-write

    monkeypatch.setattr(checkpoint_module.numpy, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, {"steps": 2, "w": np.arange(4.0)})
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["c.npz"]  # no temporary file left behind
    assert load_checkpoint(path)["steps"] == 1


def test_loading_into_another_shape_names_the_parameter(tmp_path):
    trainer = _trainer(width=8)
    save_checkpoint(tmp_path / "c.npz", trainer.state_dict())
    wider = _trainer(width=16)
    with pytest.raises(ValueError, match=r"(?s)generator does not fit .*'0\.weight'.*\(16, 3\).*\(8, 3\)"):
        wider.load_state_dict(load_checkpoint(tmp_path / "c.npz"))


def test_not_a_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable minigan checkpoint"):
        load_checkpoint(tmp_path / "junk.npz")
    np.savez(tmp_path / "plain.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="not a minigan checkpoint"):
        load_checkpoint(tmp_path / "plain.npz")


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_non_finite_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    calls = {"n": 0}

    def poisoned(n):
        calls["n"] += 1
        x = minigan.randn(n, 2, dtype="float64")
        return x * float("nan") if calls["n"] >= 5 else x

    trainer = _trainer(sample_real=poisoned)
    path = tmp_path / "c.npz"
    # checked at each log or checkpoint (every 4 steps): the NaN of step 5 is caught at step 8
    with pytest.raises(NonFiniteLossError, match=r"between steps 5 and 8 \(d_loss nan.*last good checkpoint "
                                                 r"\(step 4\)"):
        fit(trainer, 12, log_every=4, checkpoint=path, checkpoint_every=4, progress=False)
    assert load_checkpoint(path)["steps"] == 4


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_a_training_step_never_waits_for_the_gpu(sync_counter, loss):
    trainer = _trainer(loss=loss, n_critic=2, ema_decay=0.9)
    trainer.step()  # the first step builds Adam's state
    before = sync_counter()
    for _ in range(3):
        trainer.step()
    assert sync_counter() == before


def test_fit_waits_for_the_gpu_once_per_log(sync_counter):
    trainer = _trainer()
    before = sync_counter()
    history = fit(trainer, 20, log_every=5, progress=False)
    assert sync_counter() - before == 4 and [r["step"] for r in history] == [5, 10, 15, 20]


def test_fit_logs_history_and_resumes(tmp_path, capsys):
    trainer = _trainer()
    history = fit(trainer, 4, log_every=2, on_log=lambda step, rec: {"extra": step * 10})
    assert [r["step"] for r in history] == [2, 4] and history[-1]["extra"] == 40
    assert "step 4/4" in capsys.readouterr().out
    history = fit(trainer, 6, log_every=2, history=history, progress=False)
    assert [r["step"] for r in history] == [2, 4, 6]


def test_ema_generator_averages_the_weights(xp):
    trainer = _trainer(ema_decay=0.9)
    start = _arrays(trainer.generator)
    trainer.step()
    after_one = _arrays(trainer.generator)
    for s, a, e in zip(start, after_one, _arrays(trainer.generator_ema)):
        np.testing.assert_allclose(e, 0.9 * s + 0.1 * a, rtol=1e-12)  # ema = d * ema + (1 - d) * w
    assert trainer.sampler() is trainer.generator_ema
    state = trainer.state_dict()
    other = _trainer(seed=5, ema_decay=0.9)
    other.load_state_dict(state)
    for a, b in zip(_arrays(trainer.generator_ema), _arrays(other.generator_ema)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"ema_decay must be in \(0, 1\)"):
        GANTrainer(trainer.generator, trainer.discriminator, trainer.g_optimizer, trainer.d_optimizer,
                   trainer.sample_real, 3, ema_decay=1.0)


def test_ema_warmup_starts_with_a_short_average_and_lengthens_to_the_decay(xp):
    trainer = _trainer(ema_decay=0.93, ema_warmup=True)
    start = _arrays(trainer.generator)
    trainer.step()
    for s, a, e in zip(start, _arrays(trainer.generator), _arrays(trainer.generator_ema)):
        np.testing.assert_allclose(e, 0.1 * s + 0.9 * a, rtol=1e-12)  # update 0: decay (1 + 0) / (10 + 0)
    for _ in range(117):
        trainer.step()
    for decay in (119 / 128, 0.93):  # update 118: the warm-up's 0.9297; update 119: 120 / 129 > 0.93, capped
        before = _arrays(trainer.generator_ema)
        trainer.step()
        for b, a, e in zip(before, _arrays(trainer.generator), _arrays(trainer.generator_ema)):
            np.testing.assert_allclose(e, decay * b + (1 - decay) * a, rtol=1e-12)


def test_ctrl_c_in_training_says_the_step_reached_and_the_last_checkpoint(tmp_path):
    calls = {"n": 0}

    def interrupted_at_the_ninth_batch(n):
        calls["n"] += 1
        if calls["n"] == 9:
            raise KeyboardInterrupt
        return minigan.randn(n, 2, dtype="float64")

    trainer = _trainer(sample_real=interrupted_at_the_ninth_batch)
    path = tmp_path / "c.npz"
    with pytest.raises(TrainingInterrupted) as info:
        fit(trainer, 20, log_every=4, checkpoint=path, checkpoint_every=4, progress=False)
    assert (info.value.step, info.value.saved) == (8, 8) and isinstance(info.value, KeyboardInterrupt)
    assert load_checkpoint(path)["steps"] == 8 and os.listdir(tmp_path) == ["c.npz"]


def test_a_step_count_that_is_no_count_is_refused_before_anything_loads():
    trainer, other = _trainer(), _trainer(seed=1)
    before = _arrays(other.generator)
    for steps in (-1, 2.5, "3", True):
        with pytest.raises(ValueError, match="the checkpoint's step count must be an integer >= 0"):
            other.load_state_dict({**trainer.state_dict(), "steps": steps})
    assert all(np.array_equal(a, b) for a, b in zip(before, _arrays(other.generator)))


class Terminal(io.StringIO):
    """What a terminal is to ``Progress``: a stream whose ``isatty()`` says yes."""

    def isatty(self):
        return True


def test_progress_redraws_one_line_on_a_terminal_and_writes_lines_elsewhere(monkeypatch):
    monkeypatch.setattr(progress_module, "REDRAW", 0.0)  # every tick redraws
    screen = Terminal()
    display = Progress(100, stream=screen)
    display.tick(10)
    display.show(20, {"d_loss": 1.25})
    display.tick(50)
    display.close()
    text = screen.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n") and text.count("\r") == 3  # one line, drawn 3 times
    last = text.rstrip("\n").split("\r")[-1]
    assert last.startswith("step 50/100 [##########----------] | ") and "d_loss 1.25" in last
    log = io.StringIO()
    display = Progress(100, stream=log)
    display.tick(10)
    display.show(20, {"d_loss": 1.25})
    display.close()
    lines = log.getvalue()
    assert lines.startswith("step 20/100 | ") and lines.count("\n") == 1 and "\r" not in lines  # the log's line only
