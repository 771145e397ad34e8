"""The alternating GAN training step: the discriminator learns to tell, the generator to fool.

One call of ``GANTrainer.step()`` makes ``n_critic`` discriminator updates and one
generator update, in three moves:

1. D sees a real batch, target "real";
2. D sees a generated batch, target "fake", with G detached; only D's optimizer steps;
3. G makes a fresh batch and D judges it, target "real"; only G's optimizer steps and
   D's parameters do not change.
"""

import copy
import numbers

from minigan import backend
from minigan.autograd import grad, no_grad
from minigan.factories import randn
from minigan.gan.losses import get_loss


def grad_norm(parameters):
    """The L2 norm of all the parameters' gradients together, as a 0-d array (no host sync)."""
    grads = [p.grad.data for p in parameters if p.grad is not None]
    if not grads:
        return 0.0
    xp = backend.get_array_module(*grads)
    return xp.sqrt(sum(xp.vdot(g, g) for g in grads))  # vdot: the sum of squares in one BLAS call


class GANTrainer:
    """Trains ``generator`` against ``discriminator``, one alternating step at a time.

    Args:
        generator: a Module mapping noise (N, z_dim) to samples.
        discriminator: a Module mapping samples to logits (N, 1).
        g_optimizer, d_optimizer: their optimizers (separate learning rates live there).
        sample_real: a function ``n -> Tensor`` drawing a batch of real samples.
        z_dim: the size of the noise vector; 0 for a generator that reads no noise, only the
            images it translates (pix2pix and CycleGAN, minigan/train/translation.py).
        batch_size: samples per batch, real and generated.
        loss: a name from ``minigan.gan.losses.LOSSES`` or a loss object.
        n_critic: discriminator updates per generator update.
        ema_decay: if given (e.g. 0.999), also keep ``generator_ema``, an exponential moving
            average of the generator's weights (Yazici et al. 2019; ProGAN, StyleGAN,
            BigGAN): it averages out the oscillation of the game and samples more sharply.
        ema_warmup: with ``ema_decay``, average with the decay min(ema_decay, (1 + t) / (10 + t))
            at generator update t (TensorFlow's ``ExponentialMovingAverage`` with
            ``num_updates``): short at first, it lengthens to ``ema_decay`` (from t = 8990 for
            0.999), so that samples drawn early in a run do not still carry the initial weights.
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim,
                 batch_size=64, loss="non-saturating", n_critic=1, ema_decay=None, ema_warmup=False):
        if batch_size < 1 or n_critic < 1 or z_dim < 0:
            raise ValueError(f"batch_size and n_critic must be at least 1 and z_dim at least 0, got "
                             f"{batch_size}, {n_critic} and {z_dim}")
        if ema_decay is not None and not 0 < ema_decay < 1:
            raise ValueError(f"ema_decay must be in (0, 1), got {ema_decay!r}")
        self.generator, self.discriminator = generator, discriminator
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.sample_real, self.z_dim = sample_real, z_dim
        self.batch_size, self.n_critic = batch_size, n_critic
        self.loss = get_loss(loss) if isinstance(loss, str) else loss
        every = self.loss.penalty_every
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"{self.loss!r}: penalty_every must be a positive integer (the penalty on "
                             f"every k-th update of D), got {every!r}")
        self.ema_decay, self.ema_warmup = ema_decay, ema_warmup
        self.generator_ema = copy.deepcopy(generator) if ema_decay else None
        self.steps = 0  # generator updates made so far

    def noise(self, n):
        """A batch of noise vectors z ~ N(0, I), shape (n, z_dim), in the generator's dtype."""
        dtype = next(iter(self.generator.parameters())).dtype
        return randn(n, self.z_dim, dtype=dtype)

    def discriminator_step(self, with_penalty=True):
        """One update of D on a real and a generated batch; returns (loss, D(x) score, D(G(z)) score).

        ``with_penalty=False`` leaves out the loss's gradient penalty (see ``step``).
        """
        G, D, loss = self.generator, self.discriminator, self.loss

        # 1. D sees a real batch, target "real".  Non-saturating: minimise -log D(x)
        real = self.sample_real(self.batch_size)
        real_logits = D(real)
        loss_real = loss.d_real(real_logits)

        # 2. D sees a generated batch, target "fake", with G detached: the same as
        #    G(z).detach(), without recording G's graph.  Non-saturating: minimise -log(1 - D(G(z)))
        with no_grad():
            fake = G(self.noise(self.batch_size))
        fake_logits = D(fake)
        loss_fake = loss.d_fake(fake_logits)

        d_loss = self.update_discriminator(loss_real + loss_fake, D, real, fake, with_penalty)
        return d_loss, loss.score(real_logits), loss.score(fake_logits)

    def update_discriminator(self, d_loss, critic, real, fake, with_penalty=True):
        """Add the loss's gradient penalty to ``d_loss``, backpropagate it and step D's optimizer;
        returns D's loss with the penalty.

        ``critic`` is D as a function of its images alone (the penalty differentiates it with
        respect to them); ``real`` and ``fake`` are the batches D just judged.
        """
        loss = self.loss
        penalty = loss.penalty(critic, real, fake) if with_penalty else None  # WGAN-GP, R1: D's input gradient
        if penalty is not None:
            # lazy regularisation: added on every k-th update only, k times as strong
            d_loss = d_loss + loss.penalty_every * penalty
        self.d_optimizer.zero_grad()
        d_loss.backward()  # reaches D's parameters only: the fake batch has no creator
        self.d_optimizer.step()
        loss.after_d_step(self.discriminator)  # WGAN's weight clipping; nothing for the other losses
        return d_loss

    def generator_step(self):
        """One update of G through D; returns G's loss."""
        G, D, loss = self.generator, self.discriminator, self.loss

        # 3. G makes a fresh batch, D judges it, target "real".  Non-saturating: minimise -log D(G(z))
        g_loss = loss.g(D(G(self.noise(self.batch_size))))
        self.update_generator(g_loss)
        return g_loss

    def update_generator(self, g_loss):
        """Backpropagate ``g_loss`` into G's parameters only, step G's optimizer and the weight average."""
        g_params = list(self.generator.parameters())
        # gradients for G's parameters only: D's parameters and their .grad stay untouched
        for p, g in zip(g_params, grad(g_loss, g_params, allow_unused=True)):
            p.grad = g
        self.g_optimizer.step()
        if self.generator_ema is not None:
            self._update_ema()

    def _update_ema(self):
        """ema = decay * ema + (1 - decay) * weights, for parameters and buffers alike."""
        decay = self.ema_decay
        if self.ema_warmup:
            decay = min(decay, (1 + self.steps) / (10 + self.steps))
        pairs = zip(self.generator_ema.state_dict(keep_vars=True).values(),
                    self.generator.state_dict(keep_vars=True).values())
        for average, current in pairs:
            average *= decay
            average += (1 - decay) * current

    def sampler(self):
        """The generator to sample with: the weight average when there is one."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def step(self):
        """``n_critic`` discriminator updates, then one generator update.

        Returns the step's statistics: both losses, D's mean score on real and generated
        batches (a probability for the minimax and non-saturating losses), and the gradient
        norm of each network. Values are 0-d arrays or numbers, so nothing waits for the
        GPU here: ``float(v)`` reads one.
        """
        for i in range(self.n_critic):
            # counted from the step count, so that a resumed run penalises the same updates
            update = self.steps * self.n_critic + i
            d_loss, d_real, d_fake = self.discriminator_step(update % self.loss.penalty_every == 0)
        d_grad_norm = grad_norm(self.discriminator.parameters())
        g_loss = self.generator_step()
        self.steps += 1
        return {
            "step": self.steps,
            "d_loss": d_loss.data,
            "g_loss": g_loss.data,
            "d_real": d_real,
            "d_fake": d_fake,
            "d_grad_norm": d_grad_norm,
            "g_grad_norm": grad_norm(self.generator.parameters()),
        }

    def state_dict(self):
        """Everything a resumed run needs: both networks, both optimizers, the step, the RNG."""
        return {
            "generator": dict(self.generator.state_dict()),
            "discriminator": dict(self.discriminator.state_dict()),
            "generator_ema": dict(self.generator_ema.state_dict()) if self.generator_ema else None,
            "g_optimizer": self.g_optimizer.state_dict(),
            "d_optimizer": self.d_optimizer.state_dict(),
            "steps": self.steps,
            "backend": backend.get_backend(),
            "rng": backend.get_rng_state(),
        }

    def load_state_dict(self, state):
        """Restore a ``state_dict``; a model of another shape fails naming the parameter."""
        needed = ("generator", "discriminator", "generator_ema", "g_optimizer", "d_optimizer", "steps")
        missing = [k for k in needed if k not in state]
        if missing:
            raise ValueError(f"not a GANTrainer checkpoint: it has no {', '.join(missing)}")
        if self.generator_ema is not None and state["generator_ema"] is None:
            raise ValueError("the checkpoint was saved without a weight average (ema_decay); "
                             "resume with the same ema_decay it was trained with")
        steps = state["steps"]
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
            raise ValueError(f"the checkpoint's step count must be an integer >= 0, got {steps!r}")
        parts = ("generator", "discriminator") + (("generator_ema",) if self.generator_ema else ())
        for part in parts + ("g_optimizer", "d_optimizer"):
            try:
                getattr(self, part).load_state_dict(state[part])
            except (ValueError, TypeError) as err:  # TypeError: not a mapping of names to values
                raise ValueError(f"the checkpoint's {part} does not fit this {part}: {err}") from None
        self.steps = int(steps)
        backend.set_rng_state(state["rng"] if state.get("backend") == backend.get_backend() else None,
                              fallback_seed=self.steps)

