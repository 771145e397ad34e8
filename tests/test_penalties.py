"""Gradient penalties: second derivatives through whole critics, against finite differences."""

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.gan.losses import get_loss
from minigan.gan.penalties import gradient_penalty, input_gradient_norms, r1_penalty
from minigan.models import mlp_discriminator, mlp_generator


def _mlp_case():
    D = mlp_discriminator(2, width=6, depth=2, dtype="float64")
    G = mlp_generator(3, 2, width=5, depth=1, dtype="float64")
    return G, D, (3,), (2,)


def _conv_case():
    D = nn.Sequential(nn.Conv2d(1, 2, 3, stride=2, padding=1, dtype="float64"), nn.LeakyReLU(0.2),
                      nn.Conv2d(2, 2, 2, stride=1, dtype="float64"), nn.Tanh(),
                      nn.Flatten(), nn.Linear(2, 1, dtype="float64"))
    G = nn.Sequential(nn.Linear(3, 8, dtype="float64"), nn.ReLU(), nn.Unflatten(1, (2, 2, 2)),
                      nn.ConvTranspose2d(2, 1, 4, stride=2, padding=1, dtype="float64"), nn.Tanh())
    return G, D, (3,), (1, 4, 4)


CASES = {"mlp": _mlp_case, "conv": _conv_case}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("loss_name", ["wgan-gp", "ns-r1", "ls-r1"])
def test_whole_critic_loss_gradient_matches_finite_differences(xp, case, loss_name):
    minigan.manual_seed(0)
    G, D, z_shape, x_shape = CASES[case]()
    loss = get_loss(loss_name)
    real = minigan.randn(4, *x_shape, dtype="float64")
    with minigan.no_grad():
        fake = G(minigan.randn(4, *z_shape, dtype="float64"))

    def d_loss(*params):
        minigan.manual_seed(1)  # the same interpolation points at every evaluation
        return loss.d_real(D(real)) + loss.d_fake(D(fake)) + loss.penalty(D, real, fake)

    # every critic parameter's gradient runs through the penalty's second derivative
    minigan.gradcheck(d_loss, list(D.parameters()))


@pytest.mark.parametrize("case", sorted(CASES))
def test_generator_gradient_through_the_critic(xp, case):
    minigan.manual_seed(0)
    G, D, z_shape, _ = CASES[case]()
    loss = get_loss("wgan-gp")
    z = minigan.randn(4, *z_shape, dtype="float64")
    params = list(G.parameters())
    minigan.gradcheck(lambda *ps: loss.g(D(G(z))), params)
    grads = minigan.grad(loss.g(D(G(z))), params)
    assert all(np.abs(g.numpy()).max() > 0 for g in grads)


def test_input_gradient_norms_of_a_linear_critic(xp):
    D = nn.Linear(3, 1, dtype="float64")
    D.weight.data[...] = xp.asarray([[3.0, 0.0, 4.0]])
    norms = input_gradient_norms(D, minigan.randn(5, 3, dtype="float64"))
    np.testing.assert_allclose(norms.numpy(), np.full(5, 5.0))  # dD/dx = w everywhere, ||w|| = 5


def test_penalty_values_on_a_linear_critic(xp):
    D = nn.Linear(2, 1, dtype="float64")
    D.weight.data[...] = xp.asarray([[0.6, 0.8]])  # ||w|| = 1: WGAN-GP's target norm
    real, fake = minigan.randn(8, 2, dtype="float64"), minigan.randn(8, 2, dtype="float64")
    assert abs(gradient_penalty(D, real, fake).item()) < 1e-10
    D.weight.data[...] = xp.asarray([[0.0, 3.0]])
    np.testing.assert_allclose(gradient_penalty(D, real, fake, weight=10.0).item(), 10.0 * (3.0 - 1.0) ** 2)
    np.testing.assert_allclose(r1_penalty(D, real, gamma=2.0).item(), 9.0)


def test_packed_critic_norm_is_per_pack(xp):
    D = mlp_discriminator(2, width=4, depth=1, pack=2, dtype="float64")
    norms = input_gradient_norms(D, minigan.randn(6, 2, dtype="float64"))
    assert norms.shape == (3,)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "10"])
def test_a_penalty_weight_must_be_a_finite_number_at_least_0(xp, bad):
    """A negative weight would reward the gradients the penalty holds down."""
    D = mlp_discriminator(2, 4, 1, dtype="float64")
    x = minigan.randn(4, 2, dtype="float64")
    with pytest.raises(ValueError, match="weight must be a finite number >= 0"):
        gradient_penalty(D, x, x, bad)
    with pytest.raises(ValueError, match="gamma must be a finite number >= 0"):
        r1_penalty(D, x, bad)
    with pytest.raises(ValueError, match="WassersteinGP: weight must be"):
        get_loss("wgan-gp").__class__(bad)
    with pytest.raises(ValueError, match="LeastSquaresR1: gamma must be"):
        get_loss("ls-r1").__class__(bad)
