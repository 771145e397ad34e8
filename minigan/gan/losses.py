"""The GAN objectives, written on logits.

Notation: ``l`` is the discriminator's raw output (a logit) and ``D = sigmoid(l)`` the
probability that D gives to "real". A training step makes three moves, so every loss has
three sides, each a scalar to *minimise*:

* ``d_real(l)``: the discriminator's loss on logits of a real batch;
* ``d_fake(l)``: the discriminator's loss on logits of a generated batch (``fake.detach()``);
* ``g(l)``: the generator's loss on D's logits of a generated batch (not detached).

Every log-probability is written with ``softplus`` (``-log D = softplus(-l)``,
``-log(1 - D) = softplus(l)``), never as ``log(sigmoid(l))``, so each side is finite, with a
finite gradient, for any logit (+-1000 included).

Logits have shape (N, 1) or (N,); every side returns the mean over the N samples.
"""

from minigan import backend
from minigan.autograd import Tensor
from minigan.gan.penalties import check_weight, gradient_penalty, r1_penalty
from minigan.nn import functional as F


class GANLoss:
    """What all GAN losses share: input checks, logging, and the step after D's update.

    A subclass writes ``d_real``, ``d_fake`` and ``g``. ``clip_value`` is the bound of
    WGAN's weight clipping (``None``: no clipping). ``has_penalty`` says whether
    ``penalty`` adds a gradient penalty (then D should have no BatchNorm, which makes each
    logit depend on the whole batch); ``penalty_every`` = k asks the trainer to add it on
    every k-th update of D only, k times as strong (lazy regularisation, as in StyleGAN2):
    the same penalty on average, for a k-th of its cost. ``paper_settings`` holds the
    training settings its paper pairs the loss with (``n_critic``, Adam's ``lr`` and
    ``betas``), for the demos.
    """

    name = None
    clip_value = None
    has_penalty = False
    penalty_every = 1
    paper_settings = {}

    def d_real(self, logits):
        """The discriminator's loss on the logits (N, 1) or (N,) of a real batch."""
        raise NotImplementedError

    def d_fake(self, logits):
        """The discriminator's loss on the logits (N, 1) or (N,) of a generated batch."""
        raise NotImplementedError

    def g(self, logits):
        """The generator's loss on D's logits (N, 1) or (N,) of a generated batch."""
        raise NotImplementedError

    def penalty(self, discriminator, real, fake):
        """A regulariser added to D's loss (a gradient penalty), or ``None`` for none."""
        return None

    def score(self, logits):
        """D's mean output on a batch, for logging: here the mean logit.

        A 0-d array (a NumPy scalar on NumPy), not a Python float, so that a GPU run does not
        wait for it: ``float()`` reads it when the number is wanted. Computed on the raw array:
        a number to log needs no graph.
        """
        return self._check(logits).data.mean()

    def after_d_step(self, discriminator):
        """Clamp every parameter of ``discriminator`` to [-clip_value, clip_value], in place.

        Call it right after the discriminator's optimizer step. A no-op when ``clip_value``
        is ``None`` (every loss but WGAN's).
        """
        if self.clip_value is None:
            return
        for p in discriminator.parameters():
            xp = backend.get_array_module(p.data)
            xp.clip(p.data, -self.clip_value, self.clip_value, out=p.data)  # in place, like an optimizer step

    def _check(self, logits):
        """``logits`` itself, once checked to be a Tensor of shape (N, 1) or (N,) with N >= 1."""
        if not isinstance(logits, Tensor):
            raise TypeError(f"{type(self).__name__}: logits must be a Tensor, got {type(logits).__name__}")
        if logits.ndim not in (1, 2) or (logits.ndim == 2 and logits.shape[1] != 1) or logits.size == 0:
            raise ValueError(
                f"{type(self).__name__}: logits must have shape (N, 1) or (N,) with N >= 1, got {logits.shape}"
            )
        return logits

    def __repr__(self):
        return f"{type(self).__name__}()"


class Minimax(GANLoss):
    """The original, saturating GAN (Goodfellow et al. 2014).

    D maximises ``log D(x) + log(1 - D(G(z)))``; G minimises ``log(1 - D(G(z)))``:

        d_real = -mean(log D(l))     = mean(softplus(-l)) = bce(l, 1)
        d_fake = -mean(log(1 - D(l))) = mean(softplus(l)) = bce(l, 0)
        g      =  mean(log(1 - D(l))) = -mean(softplus(l)) = -bce(l, 0)

    g's gradient is ``-sigmoid(l) / N``: it vanishes exactly when D confidently rejects the
    fakes (l << 0), early in training, which is why ``NonSaturating`` is the default.
    """

    name = "minimax"

    def d_real(self, logits):
        """-mean(log D(l)) = bce(l, 1): push real logits up."""
        return F.binary_cross_entropy_with_logits(self._check(logits), 1.0)

    def d_fake(self, logits):
        """-mean(log(1 - D(l))) = bce(l, 0): push fake logits down."""
        return F.binary_cross_entropy_with_logits(self._check(logits), 0.0)

    def g(self, logits):
        """mean(log(1 - D(l))) = -bce(l, 0): G minimises D's log-probability of "fake"."""
        return -F.binary_cross_entropy_with_logits(self._check(logits), 0.0)

    def score(self, logits):
        """The mean probability D(x) = sigmoid(l) of "real", as a 0-d array (a NumPy scalar on NumPy)."""
        return F.sigmoid(self._check(logits).detach()).data.mean()


class NonSaturating(Minimax):
    """The non-saturating GAN (Goodfellow et al. 2014, section 3): the default.

    D as in ``Minimax``; G maximises ``log D(G(z))`` instead:

        g = -mean(log D(l)) = mean(softplus(-l)) = bce(l, 1)

    Same fixed points as the minimax g, but the gradient ``(sigmoid(l) - 1) / N`` is close to
    ``-1 / N`` when D confidently rejects the fakes, so G keeps learning.
    """

    name = "non-saturating"

    def g(self, logits):
        """-mean(log D(l)) = bce(l, 1): G maximises D's log-probability of "real"."""
        return F.binary_cross_entropy_with_logits(self._check(logits), 1.0)


class LeastSquares(GANLoss):
    """LSGAN (Mao et al. 2017) with targets a = 0 (fake), b = 1 (real), c = 1 (G's aim):

        d_real = 0.5 mean((l - 1)^2)
        d_fake = 0.5 mean(l^2)
        g      = 0.5 mean((l - 1)^2)

    The logits are read as scores, not passed through a sigmoid.
    """

    name = "least-squares"

    def d_real(self, logits):
        """0.5 mean((l - 1)^2): pull real scores to b = 1."""
        return 0.5 * F.mse_loss(self._check(logits), 1.0)

    def d_fake(self, logits):
        """0.5 mean(l^2): pull fake scores to a = 0."""
        return 0.5 * F.mse_loss(self._check(logits), 0.0)

    def g(self, logits):
        """0.5 mean((l - 1)^2): G pulls the scores of its samples to c = 1."""
        return 0.5 * F.mse_loss(self._check(logits), 1.0)


class Hinge(GANLoss):
    """The hinge loss (Lim & Ye 2017; SAGAN, Zhang et al. 2019):

        d_real = mean(relu(1 - l))
        d_fake = mean(relu(1 + l))
        g      = -mean(l)

    D stops pushing a sample once its margin is met (l >= 1 on real, l <= -1 on fake).
    """

    name = "hinge"

    def d_real(self, logits):
        """mean(relu(1 - l)): real logits below the margin 1 are pushed up."""
        return F.relu(1 - self._check(logits)).mean()

    def d_fake(self, logits):
        """mean(relu(1 + l)): fake logits above the margin -1 are pushed down."""
        return F.relu(1 + self._check(logits)).mean()

    def g(self, logits):
        """-mean(l): G raises D's score of its samples, with no margin."""
        return -self._check(logits).mean()


class Wasserstein(GANLoss):
    """WGAN (Arjovsky et al. 2017): D is a critic estimating the Wasserstein-1 distance.

        d_real = -mean(l)
        d_fake =  mean(l)
        g      = -mean(l)

    so D minimises ``mean(l_fake) - mean(l_real)``. The estimate needs a Lipschitz critic,
    which WGAN enforces crudely by clipping every weight of D to [-clip_value, clip_value]
    after each of its steps (``after_d_step``).

    Args:
        clip_value: the clipping bound (0.01 in the paper).
    """

    name = "wasserstein"
    paper_settings = {"n_critic": 5, "lr": 5e-5}

    def __init__(self, clip_value=0.01):
        if not clip_value > 0:
            raise ValueError(f"Wasserstein: clip_value must be positive, got {clip_value!r}")
        self.clip_value = clip_value

    def d_real(self, logits):
        """-mean(l): raise the critic's score of real samples."""
        return -self._check(logits).mean()

    def d_fake(self, logits):
        """mean(l): lower the critic's score of generated samples."""
        return self._check(logits).mean()

    def g(self, logits):
        """-mean(l): G raises the critic's score of its samples."""
        return -self._check(logits).mean()

    def __repr__(self):
        return f"Wasserstein(clip_value={self.clip_value})"


class WassersteinGP(Wasserstein):
    """WGAN-GP (Gulrajani et al. 2017): the WGAN critic kept 1-Lipschitz by a gradient penalty.

    The three sides are WGAN's, and D's loss gains

        weight * mean((||grad_x D(x_hat)|| - 1)^2)

    with ``x_hat`` random points between real and generated samples
    (``minigan.gan.penalties.gradient_penalty``), instead of WGAN's weight clipping.

    Args:
        weight: the penalty's weight lambda (10 in the paper).
    """

    name = "wgan-gp"
    has_penalty = True
    paper_settings = {"n_critic": 5, "lr": 1e-4, "betas": (0.5, 0.9)}

    def __init__(self, weight=10.0):
        self.weight = check_weight("WassersteinGP: weight", weight)
        self.clip_value = None  # the penalty replaces the weight clipping

    def penalty(self, discriminator, real, fake):
        """lambda * mean((||grad_x D(x_hat)|| - 1)^2) on interpolates of real and fake."""
        return gradient_penalty(discriminator, real, fake, self.weight)

    def __repr__(self):
        return f"WassersteinGP(weight={self.weight})"


class R1Penalty:
    """Adds the R1 penalty (Mescheder et al. 2018) to a loss's discriminator side:

        gamma / 2 * mean(||grad_x D(x)||^2)   on the real batch

    It pushes D to be flat on the data, which makes the game converge locally. Mixed into a
    loss class, before it in the bases.

    Args:
        gamma: the penalty's weight (default: the class's ``gamma``).
    """

    has_penalty = True
    gamma = 1.0

    def __init__(self, gamma=None):
        if gamma is not None:
            self.gamma = check_weight(f"{type(self).__name__}: gamma", gamma)

    def penalty(self, discriminator, real, fake):
        """gamma / 2 * mean(||grad_x D(x)||^2) on the real batch."""
        return r1_penalty(discriminator, real, self.gamma)

    def __repr__(self):
        return f"{type(self).__name__}(gamma={self.gamma})"


class NonSaturatingR1(R1Penalty, NonSaturating):
    """The non-saturating GAN with the R1 penalty on real data (Mescheder et al. 2018).

        d_real = bce(l, 1) + gamma / 2 * mean(||grad_x D(x)||^2)
        d_fake = bce(l, 0)
        g      = bce(l, 1)

    with gamma 1 by default.
    """

    name = "ns-r1"


class LeastSquaresR1(R1Penalty, LeastSquares):
    """LSGAN with the R1 penalty on real data, added lazily: the grid demo's default.

        d_real = 0.5 mean((l - 1)^2) + gamma / 2 * mean(||grad_x D(x)||^2)
        d_fake = 0.5 mean(l^2)
        g      = 0.5 mean((l - 1)^2)

    with gamma 0.05. The penalty is added on every 8th update of D, 8 times as strong
    (``penalty_every``). On the grid, the least-squares loss keeps the modes sharp and the
    penalty keeps their shares even (docs/results.md).
    """

    name = "ls-r1"
    gamma = 0.05
    penalty_every = 8


LOSSES = {cls.name: cls for cls in (Minimax, NonSaturating, LeastSquares, Hinge, Wasserstein,
                                    WassersteinGP, NonSaturatingR1, LeastSquaresR1)}


def get_loss(name="non-saturating"):
    """A new instance of the GAN loss called ``name`` (a key of ``LOSSES``)."""
    if name not in LOSSES:
        raise ValueError(f"unknown GAN loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[name]()
