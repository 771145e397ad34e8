"""The GAN losses: values against textbook formulas, derivatives, stability, clipping."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan.gan import LOSSES, get_loss
from tests.helpers import away_from_zero, floats64, tensor

SIDES = ("d_real", "d_fake", "g")


def reference(name, l):
    """(d_real, d_fake, g) of loss ``name`` on logits ``l``, written as in the papers, float64."""
    p = 1 / (1 + np.exp(-l))  # D(x); the logits stay in [-5, 5], so no log(0)
    minimax_d = (-np.log(p).mean(), -np.log(1 - p).mean())
    least_squares = (0.5 * ((l - 1) ** 2).mean(), 0.5 * (l ** 2).mean(), 0.5 * ((l - 1) ** 2).mean())
    return {
        "minimax": minimax_d + (np.log(1 - p).mean(),),
        "non-saturating": minimax_d + (-np.log(p).mean(),),
        "least-squares": least_squares,
        "hinge": (np.maximum(1 - l, 0).mean(), np.maximum(1 + l, 0).mean(), -l.mean()),
        "wasserstein": (-l.mean(), l.mean(), -l.mean()),
        "wgan-gp": (-l.mean(), l.mean(), -l.mean()),  # its penalty: tests/test_penalties.py
        "ns-r1": minimax_d + (-np.log(p).mean(),),  # their penalties: tests/test_penalties.py
        "ls-r1": least_squares,
    }[name]


def away_from_hinge(l):
    """``l`` moved at least 0.1 away from +-1, hinge's kinks, keeping its sign."""
    return np.sign(l) * (1 + away_from_zero(np.abs(l) - 1))


@pytest.mark.parametrize("name", list(LOSSES))
@given(shape=st.sampled_from([(1,), (3,), (4, 1)]), data=st.data())
def test_values_and_derivatives(xp, name, shape, data):
    l = away_from_hinge(data.draw(floats64(shape, -5.0, 5.0)))
    loss = get_loss(name)
    x = tensor(xp, l)
    for side, expected in zip(SIDES, reference(name, l)):
        fn = getattr(loss, side)
        y = fn(x)
        assert y.shape == () and y.dtype == np.float64
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-14, err_msg=side)
        minigan.gradcheck(fn, [x])
        minigan.gradgradcheck(fn, [x])


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_finite_for_huge_logits(xp, name, dtype):
    loss = get_loss(name)
    for side in SIDES:
        x = tensor(xp, np.array([[-1000.0], [1000.0], [0.0]], dtype=dtype))
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            y = getattr(loss, side)(x)
            y.backward()
            score = loss.score(x)
        assert y.dtype == dtype, side
        assert np.isfinite(y.numpy()) and np.isfinite(x.grad.numpy()).all() and np.isfinite(float(score)), side


def test_cross_entropy_sides_exact_at_huge_logits(xp):
    # -log sigmoid(-1000) = 1000 exactly in floating point; log(sigmoid(x)) would give -inf
    x = tensor(xp, np.array([-1000.0, 1000.0]))
    minimax, non_saturating = get_loss("minimax"), get_loss("non-saturating")
    assert minimax.d_real(x).item() == 500.0  # mean(softplus(-l)) = (1000 + 0) / 2
    assert minimax.d_fake(x).item() == 500.0  # mean(softplus(l)) = (0 + 1000) / 2
    assert minimax.g(x).item() == -500.0
    assert non_saturating.g(x).item() == 500.0


def test_saturating_gradient_vanishes_where_non_saturating_does_not(xp):
    # D confidently rejects every fake (logit -10): the minimax G gets almost no signal
    x = tensor(xp, np.full((4, 1), -10.0))
    g_minimax, = minigan.grad(get_loss("minimax").g(x), [x])
    g_non_saturating, = minigan.grad(get_loss("non-saturating").g(x), [x])
    sigmoid = 1 / (1 + np.exp(10.0))
    np.testing.assert_allclose(g_minimax.numpy(), -sigmoid / 4, rtol=1e-12)  # -sigmoid(l) / N
    np.testing.assert_allclose(g_non_saturating.numpy(), (sigmoid - 1) / 4, rtol=1e-12)  # (sigmoid(l) - 1) / N
    assert np.abs(g_minimax.numpy()).max() < 1e-4 * np.abs(g_non_saturating.numpy()).min()


def test_scores(xp):
    l = np.array([[-2.0], [0.5], [3.0]])
    for name in LOSSES:
        score = float(get_loss(name).score(tensor(xp, l)))
        expected = (1 / (1 + np.exp(-l))).mean() if name in ("minimax", "non-saturating", "ns-r1") else l.mean()
        assert isinstance(score, float)
        assert score == pytest.approx(expected, rel=1e-12), name


class TinyCritic:
    """Stands in for a discriminator: anything with ``parameters()``."""

    def __init__(self, xp):
        self.weight = tensor(xp, np.array([[-0.5, 0.005], [0.2, -0.01]]))
        self.bias = tensor(xp, np.array([0.03, -0.002]))

    def parameters(self):
        return [self.weight, self.bias]


def test_wasserstein_clips_the_critic_in_place(xp):
    loss, critic = get_loss("wasserstein"), TinyCritic(xp)
    assert loss.clip_value == 0.01
    arrays = [p.data for p in critic.parameters()]
    loss.after_d_step(critic)
    np.testing.assert_array_equal(critic.weight.numpy(), [[-0.01, 0.005], [0.01, -0.01]])
    np.testing.assert_array_equal(critic.bias.numpy(), [0.01, -0.002])
    assert all(p.data is a for p, a in zip(critic.parameters(), arrays))  # clipped in place, like an optimizer step


@pytest.mark.parametrize("name", [n for n in LOSSES if n != "wasserstein"])
def test_other_losses_do_not_clip(xp, name):
    loss, critic = get_loss(name), TinyCritic(xp)
    before = [p.numpy().copy() for p in critic.parameters()]
    assert loss.clip_value is None
    loss.after_d_step(critic)
    for p, b in zip(critic.parameters(), before):
        np.testing.assert_array_equal(p.numpy(), b)


def test_errors(xp):
    with pytest.raises(ValueError, match=r"unknown GAN loss 'wgan'; choose one of minimax, non-saturating, "
                                         r"least-squares, hinge, wasserstein"):
        get_loss("wgan")
    loss = get_loss("hinge")
    with pytest.raises(ValueError, match=r"Hinge: logits must have shape \(N, 1\) or \(N,\).*got \(2, 3\)"):
        loss.d_real(tensor(xp, np.zeros((2, 3))))
    with pytest.raises(ValueError, match=r"got \(0,\)"):
        loss.g(tensor(xp, np.zeros(0)))
    with pytest.raises(TypeError, match="logits must be a Tensor, got ndarray"):
        loss.d_fake(np.zeros(3))
    with pytest.raises(ValueError, match="clip_value must be positive"):
        LOSSES["wasserstein"](clip_value=0)


def test_penalty_flags_and_paper_settings():
    for name in LOSSES:
        loss = get_loss(name)
        assert loss.has_penalty == (name in ("wgan-gp", "ns-r1", "ls-r1"))
        assert loss.penalty_every == (8 if name == "ls-r1" else 1)
        if not loss.has_penalty:
            assert loss.penalty(None, None, None) is None
    assert (get_loss("ns-r1").gamma, get_loss("ls-r1").gamma, LOSSES["ls-r1"](gamma=2.0).gamma) == (1.0, 0.05, 2.0)
    assert repr(get_loss("ls-r1")) == "LeastSquaresR1(gamma=0.05)"
    assert get_loss("wgan-gp").paper_settings == {"n_critic": 5, "lr": 1e-4, "betas": (0.5, 0.9)}
    assert get_loss("wasserstein").paper_settings["n_critic"] == 5
