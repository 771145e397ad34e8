"""Gradient penalties: the critic's input gradient, itself part of the loss.

Both penalties take the gradient of D's output with respect to D's *input* with
``create_graph=True``: that gradient is a function of D's parameters, and the optimizer
needs its derivative with respect to them, a second derivative that runs the backward
pass backwards. Every op of a critic has an exact second derivative in minigan; a critic
with BatchNorm mixes the samples of a batch, so these penalties want a critic without it.
"""

import math
from numbers import Real

from minigan.autograd import grad
from minigan.factories import rand


def check_weight(name, value):
    """``value`` as a float, or a ValueError unless it is a finite number >= 0: a negative
    penalty weight would reward the very gradients the penalty is there to hold down."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def input_gradient_norms(discriminator, x):
    """||dD(x)/dx|| for each logit of D, recorded so it can be differentiated again.

    Args:
        discriminator: the critic, (N, ...) -> logits (M, 1); M < N when it packs samples.
        x: the samples (N, ...), a tensor cut off from any graph.

    Returns:
        A tensor (M,): the norm of the gradient of each logit with respect to the inputs it
        read (with PacGAN packing, the whole pack).
    """
    x = x.detach().requires_grad_()
    logits = discriminator(x)
    # d(sum of logits)/dx holds each logit's own input gradient: no logit reads another's input
    (gx,) = grad(logits.sum(), [x], create_graph=True)
    gx = gx.reshape(logits.shape[0], -1)
    # the small constant keeps d||g||/dg = g / ||g|| finite where g = 0
    return ((gx * gx).sum(axis=1) + 1e-12) ** 0.5


def gradient_penalty(discriminator, real, fake, weight=10.0):
    """WGAN-GP's penalty (Gulrajani et al. 2017): ``weight * mean((||grad_x D(x_hat)|| - 1)^2)``.

    ``x_hat = eps * real + (1 - eps) * fake`` with ``eps ~ U[0, 1]`` per sample: points on
    the lines between real and generated samples, where the optimal critic has gradient
    norm 1.
    """
    weight = check_weight("gradient_penalty: weight", weight)
    eps = rand(real.shape[0], *([1] * (real.ndim - 1)), dtype=real.dtype)
    x_hat = fake.detach() + eps * (real.detach() - fake.detach())
    norms = input_gradient_norms(discriminator, x_hat)
    return weight * ((norms - 1.0) ** 2).mean()


def r1_penalty(discriminator, real, gamma=1.0):
    """The R1 penalty (Mescheder et al. 2018): ``gamma / 2 * mean(||grad_x D(x)||^2)`` on real data.

    It pushes D to be flat on the data, which makes the GAN game converge locally.
    """
    gamma = check_weight("r1_penalty: gamma", gamma)
    norms = input_gradient_norms(discriminator, real)
    return (gamma / 2) * (norms * norms).mean()
