"""The translation steps: pix2pix (paired, Isola et al. 2017) and CycleGAN (unpaired, Zhu et al. 2017).

Both trainers are ``GANTrainer`` with images in place of noise (``z_dim=0``): G translates an
image a of domain A into domain B, and D judges images of B (a PatchGAN: a map of logits, one
per patch, whose losses are averaged over every patch). Each step makes GANTrainer's three
moves and updates D and G with its ``update_discriminator`` and ``update_generator``.

pix2pix: every a comes with its true translation b, and D is conditional, D(a, b) = PatchGAN of
``cat([a, b], 1)`` (it judges whether b is a translation *of a*):

1. D sees the real pair (a, b), target "real";
2. D sees the pair (a, G(a)), target "fake", with G detached; D's loss is halved (the paper's
   choice, which slows D relative to G);
3. G translates the same a again, D judges (a, G(a)), target "real", and G also pays for
   every pixel away from b:  L_G = L_GAN + lambda_L1 |G(a) - b|_1,  lambda_L1 = 100.

CycleGAN: a and b come from different digits (no pairs), so "close to b" has no meaning. Two
generators, G: A -> B and F: B -> A, each with a D of its target domain (D_B, D_A), the
least-squares loss, and the cycle: a translation must be undone by the other generator.

1. D_A sees real a's and D_B real b's, target "real";
2. D_A sees F(b)'s and D_B G(a)'s, target "fake", with G and F detached, each batch passed
   through a history of 50 earlier translations (``ImagePool``); both Ds' losses halved;
3. G and F translate again, the Ds judge, target "real", and both pay for the cycles:

       L_G = L_GAN(G, D_B) + L_GAN(F, D_A)
             + lambda_cyc (|F(G(a)) - a|_1 + |G(F(b)) - b|_1)                 lambda_cyc = 10
             + lambda_id lambda_cyc (|G(b) - b|_1 + |F(a) - a|_1)              optional

   The cycle term's gradient reaches both generators through each cycle: |F(G(a)) - a| moves
   F's weights at G(a) and G's weights through F.

The history's draws (which stored image D sees instead of a new one) come from
``minigan.backend``'s seeded generator, whose state a checkpoint holds with the history itself:
a resumed run draws the same, and continues exactly.
"""

import numbers

from minigan import backend
from minigan.autograd import Tensor, cat, no_grad
from minigan.nn.functional import l1_loss
from minigan.train.trainer import GANTrainer


def patches(logits):
    """A PatchGAN's logits (N, 1, H, W) as (N H W,): each patch's verdict a sample of the GAN loss,
    whose mean is then over every patch of every image."""
    return logits.reshape(-1)


class ImagePool:
    """The history of generated images that D is shown (Shrivastava et al. 2017; CycleGAN).

    D judges a batch in which about half the images are translations from earlier steps, so
    it keeps rejecting what G used to make, and G cannot win by jumping back to an old
    trick D has forgotten. ``size`` 0: no history, every batch as it is.

    ``query`` fills the history with the first ``size`` images it sees, returning them as they
    are; after that each new image is, with probability 1/2, swapped for a stored one picked at
    random (D sees the old image, the history keeps the new), and otherwise passed on.
    """

    def __init__(self, size=50):
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
            raise ValueError(f"ImagePool: size must be an integer >= 0, got {size!r}")
        self.size, self.count, self.images = int(size), 0, None

    def query(self, images):
        """The batch D should judge in place of ``images`` (N, C, H, W), N <= size: a Tensor with no graph."""
        x = images.data
        if self.size == 0:
            return Tensor(x)
        if x.shape[0] > self.size:
            raise ValueError(f"ImagePool: a batch of {x.shape[0]} is more than the {self.size} images it holds")
        xp = backend.get_array_module(x)
        if self.images is None:
            self.images = xp.zeros((self.size, *x.shape[1:]), dtype=x.dtype)
        # while it fills, the new images join the history and are passed on as they are
        fill = min(self.size - self.count, x.shape[0])
        self.images[self.count:self.count + fill] = x[:fill]
        self.count += fill
        rest = x[fill:]
        m = rest.shape[0]
        if m == 0:
            return Tensor(x)
        # then each is swapped, with probability 1/2, for a stored image in a slot of its own
        slots = backend.permutation(self.size)[:m]  # distinct: no two new images share a slot
        swap = (backend.rng().random(m) < 0.5).reshape((m,) + (1,) * (x.ndim - 1))
        stored = self.images[slots]
        self.images[slots] = xp.where(swap, rest, stored)
        return Tensor(xp.concatenate([x[:fill], xp.where(swap, stored, rest)]))

    def state_dict(self):
        """The stored images and how many slots are filled, for a checkpoint."""
        return {"images": self.images, "count": self.count}

    def load_state_dict(self, state):
        """Restore a ``state_dict``, checked: a count in [0, size] and ``size`` stored images (or none yet)."""
        if not isinstance(state, dict) or set(state) != {"images", "count"}:
            raise ValueError("an image history's state is a dict of its images and count")
        images, count = state["images"], state["count"]
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= self.size:
            raise ValueError(f"an image history's count must be an integer in [0, {self.size}], got {count!r}")
        if images is None:
            if count:
                raise ValueError(f"an image history of count {count} holds no images")
        elif images.ndim != 4 or images.shape[0] != self.size or images.dtype.kind != "f":
            raise ValueError(f"an image history's images must be ({self.size}, C, H, W) floats, got "
                             f"{images.dtype} {images.shape}")
        self.images = None if images is None else backend.xp().array(images)  # a copy the history may change
        self.count = count


def _check_weight(name, value):
    """Raise unless ``value`` is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < float("inf"):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


class TranslationTrainer(GANTrainer):
    """What the pix2pix and CycleGAN trainers share: ``GANTrainer`` with images in place of noise
    (``z_dim=0``), a loss without a gradient penalty (one differentiates a single D with respect
    to its images, which a conditional D or a pair of Ds does not define), the batch of the last
    D update, which G's update reuses, and G's latest loss terms in the step's statistics.
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_images, batch_size, loss,
                 n_critic):
        super().__init__(generator, discriminator, g_optimizer, d_optimizer, sample_images, 0, batch_size, loss,
                         n_critic)
        if self.loss.has_penalty:
            raise ValueError(f"{type(self).__name__}: the {self.loss.name} loss adds a gradient penalty, which "
                             "image translation does not use; choose a loss without one (least-squares, "
                             "non-saturating)")
        self.batch, self.terms = None, {}  # the batch of the last D update, G's latest loss terms

    def step(self):
        """``GANTrainer.step``; the statistics also hold G's latest loss terms (pix2pix's ``l1``,
        CycleGAN's ``cycle`` and ``identity``)."""
        stats = super().step()
        stats.update(self.terms)
        return stats


class Pix2PixTrainer(TranslationTrainer):
    """Trains a translator G: A -> B on pairs (a, b), against a conditional PatchGAN D(a, b).

    Args:
        generator: a Module (N, C_A, H, W) -> (N, C_B, H, W) (``minigan.models.UNetGenerator``).
        discriminator: a Module mapping ``cat([a, b], 1)`` (N, C_A + C_B, H, W) to patch logits
            (N, 1, h, w) (``minigan.models.PatchDiscriminator``).
        g_optimizer, d_optimizer: their optimizers.
        sample_pairs: a function ``n -> (a, b)``, Tensors (n, C_A, H, W) and (n, C_B, H, W): n
            images and their true translations.
        batch_size, loss, n_critic: as ``GANTrainer``'s (pix2pix's loss is the non-saturating one); a loss
            with a gradient penalty is refused.
        lambda_l1: the weight of the L1 term (100 in the paper).
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_pairs, batch_size=64,
                 loss="non-saturating", n_critic=1, lambda_l1=100.0):
        super().__init__(generator, discriminator, g_optimizer, d_optimizer, sample_pairs, batch_size, loss, n_critic)
        _check_weight("lambda_l1", lambda_l1)
        self.lambda_l1 = lambda_l1

    def judge(self, a, b):
        """D's patch logits, as (N h w,), of b (N, C_B, H, W) as a translation of a (N, C_A, H, W)."""
        return patches(self.discriminator(cat([a, b], 1)))

    def discriminator_step(self, with_penalty=True):
        """One update of D on a real and a translated pair; returns (loss, D(a, b) score, D(a, G(a)) score).
        There is no penalty to leave out (``with_penalty`` is ``GANTrainer.step``'s)."""
        G, loss = self.generator, self.loss
        a, b = self.batch = self.sample_real(self.batch_size)

        # 1. D sees the real pair (a, b), target "real" on every patch.  Non-saturating: minimise -log D(a, b)
        real_logits = self.judge(a, b)
        loss_real = loss.d_real(real_logits)

        # 2. D sees the translated pair (a, G(a)), target "fake", with G detached.
        #    Non-saturating: minimise -log(1 - D(a, G(a)))
        with no_grad():
            fake = G(a)
        fake_logits = self.judge(a, fake)
        loss_fake = loss.d_fake(fake_logits)

        # D's loss halved, as in the paper: D learns more slowly than G
        d_loss = self.update_discriminator(0.5 * (loss_real + loss_fake), None, b, fake, with_penalty=False)
        return d_loss, loss.score(real_logits), loss.score(fake_logits)

    def generator_losses(self, a, b):
        """G's two terms on the pairs (a, b): ``{"gan": L_GAN, "l1": mean |G(a) - b|}``, scalar Tensors."""
        fake = self.generator(a)
        # 3. D judges (a, G(a)), target "real".  Non-saturating: minimise -log D(a, G(a))
        gan = self.loss.g(self.judge(a, fake))
        # and every pixel of G(a) is pulled towards b's.  Minimise mean |G(a) - b|
        return {"gan": gan, "l1": l1_loss(fake, b)}

    def generator_step(self):
        """One update of G on the pairs D was last shown; returns G's loss L_GAN + lambda_L1 L1."""
        terms = self.generator_losses(*self.batch)
        g_loss = terms["gan"] + self.lambda_l1 * terms["l1"]
        self.terms = {"l1": terms["l1"].data}
        self.update_generator(g_loss)
        return g_loss


class CycleGANTrainer(TranslationTrainer):
    """Trains two translators, G: A -> B and F: B -> A, on unpaired images, each against a PatchGAN
    of its target domain, held together by the cycle-consistency loss.

    Args:
        generator: a ``minigan.models.GeneratorPair`` of G and F; one optimizer trains both.
        discriminator: a ``minigan.models.DiscriminatorPair`` of D_A and D_B; one optimizer
            trains both.
        g_optimizer, d_optimizer: their optimizers.
        sample_unpaired: a function ``n -> (a, b)``, Tensors (n, C_A, H, W) and (n, C_B, H, W)
            of images of A and of B that are no pairs.
        batch_size, n_critic: as ``GANTrainer``'s.
        loss: a GAN loss without a gradient penalty; CycleGAN's is least-squares.
        lambda_cycle: the weight of the cycle term (10 in the paper).
        lambda_identity: the identity term's weight, as a fraction of ``lambda_cycle`` (0.5 in
            the paper where it is used; 0, the default, leaves it out).
        history_size: the generated images each D's history holds (50 in the paper; 0 for
            none); at least ``batch_size``.
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_unpaired, batch_size=1,
                 loss="least-squares", n_critic=1, lambda_cycle=10.0, lambda_identity=0.0, history_size=50):
        super().__init__(generator, discriminator, g_optimizer, d_optimizer, sample_unpaired, batch_size, loss,
                         n_critic)
        _check_weight("lambda_cycle", lambda_cycle)
        _check_weight("lambda_identity", lambda_identity)
        if history_size and history_size < batch_size:
            raise ValueError(f"history_size {history_size} must be 0 or at least the batch size {batch_size}")
        self.lambda_cycle, self.lambda_identity = lambda_cycle, lambda_identity
        # D_A is shown F(b)'s from history "a", D_B is shown G(a)'s from history "b"
        self.image_history = {"a": ImagePool(history_size), "b": ImagePool(history_size)}

    def discriminator_step(self, with_penalty=True):
        """One update of both Ds on real images and on translations from the history; returns (loss,
        mean score of real images, mean score of translations). There is no penalty to leave out."""
        pair, D, loss = self.generator, self.discriminator, self.loss
        a, b = self.batch = self.sample_real(self.batch_size)

        # 1. D_A sees real a's, D_B real b's, target "real".  Least squares: minimise (D_A(a) - 1)^2 + (D_B(b) - 1)^2
        real_a, real_b = map(patches, D(a, b))
        loss_real = loss.d_real(real_a) + loss.d_real(real_b)

        # 2. D_A sees F(b)'s, D_B sees G(a)'s, target "fake", with G and F detached, each batch
        #    half replaced by earlier translations.  Least squares: minimise D_A(F(b))^2 + D_B(G(a))^2
        with no_grad():
            fake_b, fake_a = pair.G(a), pair.F(b)
        fake_a, fake_b = self.image_history["a"].query(fake_a), self.image_history["b"].query(fake_b)
        fake_logits_a, fake_logits_b = map(patches, D(fake_a, fake_b))
        loss_fake = loss.d_fake(fake_logits_a) + loss.d_fake(fake_logits_b)

        # each D's loss halved, as in the paper: the Ds learn more slowly than G and F
        d_loss = self.update_discriminator(0.5 * (loss_real + loss_fake), None, None, None, with_penalty=False)
        real_score = (loss.score(real_a) + loss.score(real_b)) / 2
        return d_loss, real_score, (loss.score(fake_logits_a) + loss.score(fake_logits_b)) / 2

    def generator_losses(self, a, b):
        """The generators' terms on images a of A and b of B: ``{"gan", "cycle", "identity"}``,
        scalar Tensors (``identity`` only with a ``lambda_identity``)."""
        G, F, D = self.generator.G, self.generator.F, self.discriminator
        fake_b, fake_a = G(a), F(b)
        # 3. the Ds judge the translations, target "real".
        #    Least squares: minimise (D_B(G(a)) - 1)^2 + (D_A(F(b)) - 1)^2
        logits_a, logits_b = map(patches, D(fake_a, fake_b))
        terms = {"gan": self.loss.g(logits_a) + self.loss.g(logits_b)}
        # the cycles: translated there and back, each image must come home.  Minimise |F(G(a)) - a| + |G(F(b)) - b|
        terms["cycle"] = l1_loss(F(fake_b), a) + l1_loss(G(fake_a), b)
        if self.lambda_identity:
            # identity: an image already in the target domain is left as it is.  Minimise |G(b) - b| + |F(a) - a|
            terms["identity"] = l1_loss(G(b), b) + l1_loss(F(a), a)
        return terms

    def generator_step(self):
        """One update of G and F on the images the Ds were last shown; returns their loss
        L_GAN + lambda_cyc (L_cyc + lambda_id L_id)."""
        terms = self.generator_losses(*self.batch)
        g_loss = terms["gan"] + self.lambda_cycle * terms["cycle"]
        if "identity" in terms:
            g_loss = g_loss + self.lambda_identity * self.lambda_cycle * terms["identity"]
        self.terms = {name: terms[name].data for name in ("cycle", "identity") if name in terms}
        self.update_generator(g_loss)
        return g_loss

    def state_dict(self):
        """``GANTrainer.state_dict`` and both Ds' histories of generated images."""
        # not "history": a checkpoint's history is the training loop's log
        return {**super().state_dict(),
                "image_history": {k: pool.state_dict() for k, pool in self.image_history.items()}}

    def load_state_dict(self, state):
        """Restore a ``state_dict``, the histories included."""
        histories = state.get("image_history")
        if not isinstance(histories, dict) or set(histories) != set(self.image_history):
            raise ValueError("not a CycleGANTrainer checkpoint: it has no image histories for D_A and D_B")
        super().load_state_dict(state)
        for k, pool in self.image_history.items():
            pool.load_state_dict(histories[k])
