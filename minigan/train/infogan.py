"""The InfoGAN step: G must draw its code so that Q can read it back (Chen et al. 2016).

``InfoGANTrainer`` is ``GANTrainer`` with a code c = (c_cat, c_cont) beside the noise of every
generated batch, and an information loss on it:

    L_I = CE(Q_cat(G(z, c)), c_cat) + lambda_cont * NLL(c_cont | Q_mean(G(z, c)))

the cross-entropy of Q's categorical logits against the code G was given, plus the Gaussian
negative log-likelihood of the continuous codes under N(Q_mean, I):
0.5 sum_j (c_j - mean_j)^2 + (n_cont / 2) log(2 pi). Minimising L_I maximises the
mutual-information lower bound of the paper, I(c; G(z, c)) >= H(c) - L_I; for the categorical
code alone, uniform on K values, ``mi_cat = log K - CE`` (log 10 = 2.303 for the digits: Q
names every code).

Its step makes GANTrainer's three moves:

1. D sees a real batch, target "real"; Q sees nothing of it (real images have no code);
2. D sees a generated batch G(z, c), target "fake", with G detached, and Q reads c back from
   the same batch: D's loss + L_I, one backward, D's optimizer steps. Q's heads and the body
   they share with D are D's parameters, updated by D's optimizer, as in the paper's code
   (openai/InfoGAN subtracts the same mutual-information estimate from both players' losses);
3. G makes a fresh batch of drawn codes, D judges it, target "real", and Q reads its code:
   G's loss + L_I, whose gradient reaches G through Q's head and D's body; only G's
   optimizer steps.

lambda_cat = 1 (the paper's, for a categorical code); lambda_cont = 1 by default, the paper's
code's for MNIST: with a fixed unit variance the continuous term is a halved squared error
whose value (1/6 for a Q that predicts 0, at most 0.5 + const) is already small beside the
categorical one (log 10 at the start). The paper's text advises a smaller lambda for
continuous codes; on the 8x8 digits 0.1 scored no better over five seeds (docs/results.md).
The codes are drawn by ``minigan.backend``'s seeded generator, whose state a checkpoint holds:
a resumed run draws the same codes.
"""

import math
import numbers

from minigan import backend
from minigan.autograd import Tensor, no_grad
from minigan.nn import functional as F
from minigan.train.trainer import GANTrainer


class InfoGANTrainer(GANTrainer):
    """Trains an InfoGAN ``generator`` against ``discriminator`` (which carries Q), one step at a time.

    Args:
        generator: a Module mapping noise (N, z_dim), a categorical code (N,) and continuous
            codes (N, n_cont) to samples (``minigan.models.InfoGANGenerator``).
        discriminator: a Module mapping samples to ``(logits (N, 1), categorical logits (N, K),
            continuous means (N, n_cont))`` (``minigan.models.InfoGANDiscriminator``).
        g_optimizer, d_optimizer: their optimizers; D's also updates Q's heads.
        sample_real: a function ``n -> Tensor`` drawing a batch of real samples.
        z_dim: the size of the noise vector.
        n_categories: K, the values of the categorical code, drawn uniformly.
        n_continuous: the number of continuous codes, each uniform on [-1, 1].
        lambda_cont: the weight of the continuous codes' negative log-likelihood in L_I.
        batch_size, loss, n_critic, ema_decay, ema_warmup: as ``GANTrainer``'s.
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim, n_categories=10,
                 n_continuous=2, lambda_cont=1.0, batch_size=64, loss="non-saturating", n_critic=1, ema_decay=None,
                 ema_warmup=False):
        super().__init__(generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim, batch_size, loss,
                         n_critic, ema_decay, ema_warmup)
        for name, value, least in (("n_categories", n_categories, 2), ("n_continuous", n_continuous, 0)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
                raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")
        if not lambda_cont >= 0:
            raise ValueError(f"lambda_cont must be >= 0, got {lambda_cont!r}")
        self.n_categories, self.n_continuous, self.lambda_cont = int(n_categories), int(n_continuous), lambda_cont
        self.info = {}  # the latest information losses, for the step's statistics

    def codes(self, n):
        """``(c_cat (n,) int64, c_cont Tensor (n, n_cont))``: a categorical code uniform on 0 .. K-1 and
        continuous codes uniform on [-1, 1], drawn by the seeded generator, in G's dtype."""
        dtype = next(iter(self.generator.parameters())).dtype
        c_cat = backend.rng().integers(0, self.n_categories, n)
        c_cont = backend.rng().uniform(-1.0, 1.0, (n, self.n_continuous)).astype(dtype)
        return c_cat, Tensor(c_cont)

    def information_loss(self, cat_logits, means, c_cat, c_cont):
        """``(L_I, CE)``: Q's information loss on the codes (c_cat, c_cont) it should read back from its
        categorical logits (N, K) and continuous means (N, n_cont), and the categorical part alone."""
        # categorical: minimise -log q(c_cat | x), lambda_cat = 1
        ce = F.cross_entropy(cat_logits, c_cat)
        if not self.n_continuous:
            return ce, ce
        # continuous: minimise -log N(c_cont; mean, I) = 0.5 sum_j (c_j - mean_j)^2 + (n_cont / 2) log(2 pi),
        # on Q's raw outputs (never a squashed version of them), averaged over the batch
        nll = 0.5 * ((c_cont - means) ** 2).sum(axis=1).mean() + 0.5 * self.n_continuous * math.log(2 * math.pi)
        return ce + self.lambda_cont * nll, ce

    def discriminator_step(self, with_penalty=True):
        """One update of D (and Q) on a real and a generated batch; returns (loss, D(x) score, D(G(z, c)) score).
        Q's information loss on the generated batch is part of the loss (and of ``step``'s statistics,
        as ``d_info``)."""
        G, D, loss, n = self.generator, self.discriminator, self.loss, self.batch_size

        # 1. D sees a real batch, target "real"; Q's outputs on it are not used.  Non-saturating: minimise -log D(x)
        real = self.sample_real(n)
        real_logits = D(real)[0]
        loss_real = loss.d_real(real_logits)

        # 2. D sees a generated batch of drawn codes, target "fake", with G detached.
        #    Non-saturating: minimise -log(1 - D(G(z, c)))
        c_cat, c_cont = self.codes(n)
        with no_grad():
            fake = G(self.noise(n), c_cat, c_cont)
        fake_logits, cat_logits, means = D(fake)
        loss_fake = loss.d_fake(fake_logits)
        #    and Q reads the code back from the same batch.  Minimise L_I (Q's heads and D's body)
        info, _ = self.information_loss(cat_logits, means, c_cat, c_cont)
        self.info["d_info"] = info.data

        d_loss = self.update_discriminator(loss_real + loss_fake + info, lambda x: D(x)[0], real, fake, with_penalty)
        return d_loss, loss.score(real_logits), loss.score(fake_logits)

    def generator_step(self):
        """One update of G through D and Q; returns G's loss, L_I included (and ``step``'s statistics
        hold ``info``, ``g_info``'s L_I, and ``mi_cat``, log K - CE)."""
        G, D, loss, n = self.generator, self.discriminator, self.loss, self.batch_size

        # 3. G makes a fresh batch of drawn codes, D judges it, target "real".  Non-saturating: minimise -log D(G(z, c))
        c_cat, c_cont = self.codes(n)
        logits, cat_logits, means = D(G(self.noise(n), c_cat, c_cont))
        #    and Q must read its code back: minimise L_I, whose gradient reaches G through Q's head and D's body
        info, ce = self.information_loss(cat_logits, means, c_cat, c_cont)
        g_loss = loss.g(logits) + info
        self.info["g_info"] = info.data
        self.info["mi_cat"] = math.log(self.n_categories) - ce.data  # the lower bound H(c) - CE on I(c_cat; G(z, c))
        self.update_generator(g_loss)
        return g_loss

    def step(self):
        """``GANTrainer.step``; the statistics also hold the information losses of the last updates:
        ``d_info`` (in D's update), ``g_info`` (in G's), and ``mi_cat``, the categorical code's
        mutual-information lower bound log K - CE in G's update."""
        stats = super().step()
        stats.update(self.info)
        return stats
