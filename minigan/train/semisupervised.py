"""The semi-supervised GAN's training step: a classifier that also tells real from generated.

One call of ``SemiSupervisedGANTrainer.step()`` makes one update of the classifier D and one
of the generator G (Salimans et al. 2016; the losses are ``minigan.gan.semisupervised``'s):

1. D sees a labelled batch, target its classes: the K-class cross-entropy;
2. D sees an unlabelled real batch, target "real" (any of the K classes), and a generated
   batch, target "generated", with G detached; one backward of the sum, only D's optimizer
   steps;
3. G makes a fresh batch and matches the mean of D's features on it to their mean on a
   fresh unlabelled batch (feature matching); only G's optimizer steps.

Move 2 is where the unlabelled images teach the classifier: "real" means "one of the K
classes", so pushing Z = sum_k exp(l_k) up on real images and down on generated ones
shapes the same logits that move 1 sorts into classes (docs/semisupervised.md).

Without a generator (``generator=None``) the step is move 1 alone: the same classifier, the
same optimizer and the same labelled batches, trained on the labelled images alone (the
semi-supervised demo's ``--no-gan``).
"""

import numbers

from minigan import backend
from minigan.autograd import Tensor, no_grad
from minigan.data.images import BatchSampler
from minigan.gan.semisupervised import feature_matching_loss, real_probability, supervised_loss, unsupervised_loss
from minigan.train.trainer import GANTrainer, grad_norm


class SemiSupervisedGANTrainer(GANTrainer):
    """Trains ``classifier`` on a few labelled and many unlabelled images, against ``generator``.

    It is a ``GANTrainer`` whose moves are the semi-supervised ones: it keeps the base's
    ``noise`` and ``sampler``, and holds its own batch samplers, whose order its
    ``state_dict`` saves, so that a resumed run draws the same batches.

    Args:
        generator: a Module mapping noise (N, z_dim) to images (N, C, H, W); ``None`` trains
            the classifier on the labelled images alone.
        classifier: a Module mapping images to K class logits (N, K), with a ``features``
            method giving the features (N, F) that feature matching compares (a
            ``minigan.models.SemiSupervisedClassifier``).
        g_optimizer, d_optimizer: their optimizers (``g_optimizer`` is ``None`` without G).
        labelled: an ``ImageData``, the labelled images and their classes.
        unlabelled: an ``ImageData`` whose labels are never read (``None`` without G).
        z_dim: the size of the noise vector.
        batch_size: unlabelled and generated images per batch; the labelled batch holds
            ``min(batch_size, len(labelled))``.
        unsupervised_weight: the weight of the unsupervised loss in D's loss.
    """

    def __init__(self, generator, classifier, g_optimizer, d_optimizer, labelled, unlabelled=None, z_dim=32,
                 batch_size=100, unsupervised_weight=1.0):
        # GANTrainer's constructor wants a GAN loss and n_critic; here the moves are fixed
        if batch_size < 1 or z_dim < 1:
            raise ValueError(f"batch_size and z_dim must be at least 1, got {batch_size} and {z_dim}")
        if generator is not None and (unlabelled is None or g_optimizer is None):
            raise ValueError("a semi-supervised GAN needs unlabelled images and G's optimizer")
        self.generator, self.discriminator = generator, classifier
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.generator_ema = None
        self.z_dim, self.batch_size, self.unsupervised_weight = z_dim, batch_size, unsupervised_weight
        self.labelled, self.unlabelled = labelled, unlabelled if generator is not None else None
        self.labelled_batch_size = min(batch_size, len(labelled))
        self.labelled_batches = BatchSampler(len(labelled))
        self.unlabelled_batches = BatchSampler(len(unlabelled)) if self.unlabelled is not None else None
        self.steps = 0

    def labelled_batch(self):
        """The next labelled batch: images (n, C, H, W) as a Tensor and their classes (n,)."""
        index = self.labelled_batches.next(self.labelled_batch_size)
        return Tensor(self.labelled.images[index]), self.labelled.labels[index]

    def sample_real(self, n):
        """The next ``n`` unlabelled images (n, C, H, W), as a Tensor (their labels unread)."""
        return Tensor(self.unlabelled.images[self.unlabelled_batches.next(n)])

    def discriminator_step(self):
        """One update of D; returns (D's loss, its supervised part, D(x) and D(G(z)) scores)."""
        G, D = self.generator, self.discriminator

        # 1. D sees a labelled batch, target its classes: minimise -log p(y | x, real)
        x, y = self.labelled_batch()
        loss_labelled = supervised_loss(D(x), y)
        d_loss, d_real, d_fake = loss_labelled, None, None
        if G is not None:
            # 2. D sees an unlabelled batch, target "real": minimise -log D(x) = softplus(-lse(l)),
            real_logits = D(self.sample_real(self.batch_size))
            #    and a generated batch, target "generated", with G detached (no graph is recorded
            #    for G): minimise -log(1 - D(G(z))) = softplus(lse(l))
            with no_grad():
                fake = G(self.noise(self.batch_size))
            fake_logits = D(fake)
            d_loss = loss_labelled + self.unsupervised_weight * unsupervised_loss(real_logits, fake_logits)
            d_real, d_fake = real_probability(real_logits).mean(), real_probability(fake_logits).mean()
        self.d_optimizer.zero_grad()
        d_loss.backward()  # reaches D's parameters only: the fake batch has no creator
        self.d_optimizer.step()
        return d_loss, loss_labelled, d_real, d_fake

    def generator_step(self):
        """One update of G by feature matching; returns G's loss."""
        G, D = self.generator, self.discriminator

        # 3. G matches D's mean features on a fresh unlabelled batch:
        #    minimise ||mean f(x) - mean f(G(z))||^2, f = D.features; the real side needs no graph
        with no_grad():
            real_features = D.features(self.sample_real(self.batch_size))
        g_loss = feature_matching_loss(real_features, D.features(G(self.noise(self.batch_size))))
        self.update_generator(g_loss)  # G's parameters only: D's and their .grad stay untouched
        return g_loss

    def step(self):
        """One update of D, then (with a generator) one of G; returns the step's statistics.

        ``d_loss`` (D's whole loss), ``labelled_loss`` (its cross-entropy part) and D's grad
        norm, and with a generator ``g_loss``, D's mean real probability D(x) on the unlabelled
        and on the generated batch (``d_real``, ``d_fake``) and G's grad norm: 0-d arrays, so
        nothing waits for the GPU here.
        """
        d_loss, loss_labelled, d_real, d_fake = self.discriminator_step()
        stats = {"step": self.steps + 1, "d_loss": d_loss.data, "labelled_loss": loss_labelled.data}
        d_grad_norm = grad_norm(self.discriminator.parameters())
        if self.generator is not None:
            g_loss = self.generator_step()
            stats.update(g_loss=g_loss.data, d_real=d_real, d_fake=d_fake, d_grad_norm=d_grad_norm,
                         g_grad_norm=grad_norm(self.generator.parameters()))
        else:
            stats["d_grad_norm"] = d_grad_norm
        self.steps += 1
        return stats

    def _parts(self):
        """The names of the modules and optimizers this trainer holds, each with a state to save."""
        return ("discriminator", "d_optimizer") + (("generator", "g_optimizer") if self.generator is not None else ())

    def state_dict(self):
        """Everything a resumed run needs: the networks, their optimizers, both batch orders,
        the step and the RNG."""
        state = {part: dict(getattr(self, part).state_dict()) for part in self._parts()}
        state.update(labelled_batches=self.labelled_batches.state, steps=self.steps, backend=backend.get_backend(),
                     rng=backend.get_rng_state(), with_generator=self.generator is not None)
        if self.unlabelled_batches is not None:
            state["unlabelled_batches"] = self.unlabelled_batches.state
        return state

    def load_state_dict(self, state):
        """Restore a ``state_dict``; a model of another shape fails naming the part."""
        if "with_generator" in state and state["with_generator"] != (self.generator is not None):
            saved = "with" if state["with_generator"] else "without"
            raise ValueError(f"the checkpoint was trained {saved} a generator; resume it the same way")
        missing = [k for k in self._parts() + ("labelled_batches", "steps", "with_generator") if k not in state]
        if missing:
            raise ValueError(f"not a SemiSupervisedGANTrainer checkpoint: it has no {', '.join(missing)}")
        steps = state["steps"]
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
            raise ValueError(f"the checkpoint's step count must be an integer >= 0, got {steps!r}")
        for part in self._parts():
            try:
                getattr(self, part).load_state_dict(state[part])
            except (ValueError, TypeError) as err:  # TypeError: not a mapping of names to values
                raise ValueError(f"the checkpoint's {part} does not fit this {part}: {err}") from None
        self.labelled_batches.load_state(state["labelled_batches"])
        if self.unlabelled_batches is not None:
            self.unlabelled_batches.load_state(state["unlabelled_batches"])
        self.steps = int(steps)
        backend.set_rng_state(state["rng"] if state.get("backend") == backend.get_backend() else None,
                              fallback_seed=self.steps)
