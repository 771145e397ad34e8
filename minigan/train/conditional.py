"""The conditional GAN step: both players see the class (cGAN), or D also names it (ACGAN).

``ConditionalGANTrainer`` is ``GANTrainer`` with a class label beside every batch. Its step
makes the same three moves:

1. D sees a real batch and its labels, target "real";
2. D sees a generated batch, target "fake", with G detached: G was asked for labels drawn
   uniformly from the K classes;
3. G makes a fresh batch of drawn labels and D judges it, target "real".

cGAN (Mirza and Osindero 2014): D reads the label, D(x, y), and the GAN loss is unchanged.
ACGAN (Odena et al. 2017, ``acgan=True``): D never sees the label but predicts it, with
class probabilities C(. | x); the class cross-entropy -log C(y | x) is added to D's loss on
the real batch *and* on the generated one (the paper's choice), and to G's loss.

Everything else, the weight average of G, the checkpoints and resuming, is ``GANTrainer``'s.
The labels of generated batches are drawn by ``minigan.backend``'s seeded generator, whose
state a checkpoint holds: a resumed run draws the same labels as an uninterrupted one.
"""

import numbers

from minigan import backend
from minigan.autograd import no_grad
from minigan.nn import functional as F
from minigan.train.trainer import GANTrainer


class ConditionalGANTrainer(GANTrainer):
    """Trains a conditional ``generator`` against ``discriminator``, one alternating step at a time.

    Args:
        generator: a Module mapping noise (N, z_dim) and labels (N,) to samples
            (``minigan.models.ConditionalGenerator``).
        discriminator: for a cGAN a Module mapping samples and labels (N,) to logits (N, 1)
            (``ProjectionDiscriminator``); for ACGAN one mapping samples to
            ``(logits (N, 1), class logits (N, K))`` (``ACGANDiscriminator``).
        g_optimizer, d_optimizer: their optimizers.
        sample_real: a function ``n -> (Tensor of samples, labels (n,))`` drawing a real batch
            and its classes.
        z_dim: the size of the noise vector.
        n_classes: K; generated batches ask for classes drawn uniformly from 0 .. K-1.
        acgan: add ACGAN's class cross-entropy to both losses (D must then have a class head).
        batch_size, loss, n_critic, ema_decay, ema_warmup: as ``GANTrainer``'s.
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim, n_classes,
                 batch_size=64, loss="non-saturating", n_critic=1, ema_decay=None, ema_warmup=False, acgan=False):
        super().__init__(generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim, batch_size, loss,
                         n_critic, ema_decay, ema_warmup)
        if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 1:
            raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
        self.n_classes, self.acgan = int(n_classes), acgan
        self.class_losses = {}  # ACGAN's latest class losses, for the step's statistics

    def labels(self, n):
        """``n`` class labels drawn uniformly from 0 .. K-1 by the seeded generator: (n,) int64."""
        return backend.rng().integers(0, self.n_classes, n)

    def judge(self, x, labels):
        """D's verdict on samples ``x`` of the classes ``labels`` (N,): ``(logits (N, 1), class
        logits (N, K))`` from ACGAN's D, which predicts the class; ``(logits, None)`` from a
        cGAN's D, which reads it."""
        if self.acgan:
            return self.discriminator(x)
        return self.discriminator(x, labels), None

    def discriminator_step(self, with_penalty=True):
        """One update of D on a real and a generated batch with their labels; returns (loss,
        D(x) score, D(G(z)) score). ACGAN's class loss is part of the loss (and of ``step``'s
        statistics, as ``d_class``)."""
        G, loss, n = self.generator, self.loss, self.batch_size

        # 1. D sees a real batch and its labels, target "real".  Non-saturating: minimise -log D(x, y)
        real, real_labels = self.sample_real(n)
        real_logits, real_class_logits = self.judge(real, real_labels)
        loss_real = loss.d_real(real_logits)
        if self.acgan:
            # ACGAN: D also names the real image's class.  Minimise -log C(y | x)
            class_real = F.cross_entropy(real_class_logits, real_labels)
            loss_real = loss_real + class_real

        # 2. D sees a generated batch of drawn labels, target "fake", with G detached.
        #    Non-saturating: minimise -log(1 - D(G(z, y), y))
        fake_labels = self.labels(n)
        with no_grad():
            fake = G(self.noise(n), fake_labels)
        fake_logits, fake_class_logits = self.judge(fake, fake_labels)
        loss_fake = loss.d_fake(fake_logits)
        if self.acgan:
            # ACGAN: and the class G was asked for, on the fakes too (the paper's choice).
            # Minimise -log C(y | G(z, y))
            class_fake = F.cross_entropy(fake_class_logits, fake_labels)
            loss_fake = loss_fake + class_fake
            self.class_losses["d_class"] = class_real.data + class_fake.data

        def critic(x):
            """D as a function of images alone, for a gradient penalty: at the real batch's classes
            (WGAN-GP's points between a real and a generated image too, the usual conditional choice)."""
            return self.judge(x, real_labels)[0]

        d_loss = self.update_discriminator(loss_real + loss_fake, critic, real, fake, with_penalty)
        return d_loss, loss.score(real_logits), loss.score(fake_logits)

    def generator_step(self):
        """One update of G through D; returns G's loss. ACGAN's class loss is part of it (and of
        ``step``'s statistics, as ``g_class``)."""
        G, loss, n = self.generator, self.loss, self.batch_size

        # 3. G makes a fresh batch of drawn labels, D judges it, target "real".
        #    Non-saturating: minimise -log D(G(z, y), y)
        labels = self.labels(n)
        logits, class_logits = self.judge(G(self.noise(n), labels), labels)
        g_loss = loss.g(logits)
        if self.acgan:
            # ACGAN: and D must name the class G was asked for.  Minimise -log C(y | G(z, y))
            class_fake = F.cross_entropy(class_logits, labels)
            g_loss = g_loss + class_fake
            self.class_losses["g_class"] = class_fake.data
        self.update_generator(g_loss)
        return g_loss

    def step(self):
        """``GANTrainer.step``; for ACGAN the statistics also hold the class losses of the last
        updates: ``d_class`` (D's, real and generated batch together) and ``g_class``."""
        stats = super().step()
        stats.update(self.class_losses)
        return stats
