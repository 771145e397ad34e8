"""The BEGAN step: an autoencoder for D, and a controller that keeps G and D in balance
(Berthelot et al. 2017).

D is an autoencoder (``minigan.models.BEGANDiscriminator``) and L(v) = mean |v - D(v)| its
reconstruction error (``minigan.models.began.reconstruction_loss``). The two players' losses:

    L_D = L(x) - k_t L(G(z_D))        D reconstructs real images well, generated ones badly
    L_G = L(G(z_G))                   G makes images D reconstructs well

k_t in [0, 1] says how much D attends to generated images. It is set by a proportional
controller (the P of a PID controller) after each step:

    k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1)

The error it corrects is gamma L(x) - L(G(z_G)). The equilibrium BEGAN aims for is
E[L(G(z))] = gamma E[L(x)]: D's error on generated images a fixed fraction gamma of its error
on real ones. When G's images are reconstructed too well (L(G(z)) < gamma L(x)), the error is
positive and k grows: D pushes harder on generated images. When they are reconstructed too
badly, k shrinks and D spends its effort on the real ones. lambda_k = 0.001 is the gain (the
paper's). gamma in (0, 1] is the *diversity ratio*: a lower gamma lets D reconstruct real
images much better than generated ones, and the paper reports sharper, less varied images.

The convergence measure combines the real images' reconstruction with the controller's error:

    M_global = L(x) + |gamma L(x) - L(G(z_G))|

It is small when D reconstructs real images well *and* the game is at its equilibrium; the
paper shows it falling as the samples improve (docs/began.md, tested on the digits in
docs/results.md).

Its step makes GANTrainer's three moves, and one more:

1. D sees a real batch and reconstructs it: L(x);
2. D sees a generated batch, with G detached, and reconstructs it: L(G(z_D)); D's optimizer
   steps on L_D = L(x) - k_t L(G(z_D));
3. G makes a fresh batch and D reconstructs it: L_G = L(G(z_G)); only G's optimizer steps;
4. the controller moves k with L(x) from move 1 and L(G(z_G)) from move 3.

The paper computes all of them with the same D; here move 3 sees the D that move 2 just
updated, as every GANTrainer's G step does. k is a 0-d array on the backend, updated without
reading it back to the host, so that a GPU run does not wait for it; a checkpoint holds it.
"""

import numbers

from minigan import backend
from minigan.autograd import no_grad
from minigan.gan.losses import GANLoss
from minigan.models.began import reconstruction_loss
from minigan.train.trainer import GANTrainer


class BEGANTrainer(GANTrainer):
    """Trains a BEGAN ``generator`` against the autoencoder ``discriminator``, one step at a time.

    Args:
        generator: a Module mapping noise (N, z_dim) to images (``minigan.models.BEGANGenerator``).
        discriminator: an autoencoder, images (N, C, H, W) -> reconstructions of the same shape
            (``minigan.models.BEGANDiscriminator``).
        g_optimizer, d_optimizer: their optimizers.
        sample_real: a function ``n -> Tensor`` drawing a batch of real images.
        z_dim: the size of the noise vector.
        gamma: the diversity ratio in (0, 1]: the aim E[L(G(z))] = gamma E[L(x)].
        lambda_k: the controller's gain, > 0.
        k: k_0, the controller's starting value in [0, 1] (the paper's 0: D first learns to
            reconstruct real images).
        batch_size, n_critic, ema_decay, ema_warmup: as ``GANTrainer``'s.

    Attributes:
        k: k_t, a 0-d float64 array on the backend.
    """

    def __init__(self, generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim, gamma=0.5,
                 lambda_k=0.001, k=0.0, batch_size=64, n_critic=1, ema_decay=None, ema_warmup=False):
        # BEGAN's losses are not functions of logits, so no GAN loss object computes them: the
        # moves below write them out. GANLoss itself adds no gradient penalty and no weight
        # clipping to update_discriminator, which is what BEGAN's D step needs from it.
        super().__init__(generator, discriminator, g_optimizer, d_optimizer, sample_real, z_dim, batch_size,
                         GANLoss(), n_critic, ema_decay, ema_warmup)
        for name, value, low, high, closed_low in (("gamma", gamma, 0, 1, False), ("lambda_k", lambda_k, 0, 1, False),
                                                   ("k", k, 0, 1, True)):
            inside = low <= value if closed_low else low < value
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (inside and value <= high):
                raise ValueError(f"{name} must be a number in {'[' if closed_low else '('}{low}, {high}], "
                                 f"got {value!r}")
        self.gamma, self.lambda_k = float(gamma), float(lambda_k)
        self.k = backend.xp().asarray(float(k), dtype="float64")
        self.latest = {}  # L(x) of move 1, for the controller in move 4

    def discriminator_step(self, with_penalty=True):
        """One update of D on a real and a generated batch; returns (L_D, L(x), L(G(z_D))), the
        last two as 0-d arrays (``step``'s ``d_real`` and ``d_fake``)."""
        G, D = self.generator, self.discriminator

        # 1. D reconstructs a real batch: L(x) = mean |x - D(x)|
        real = self.sample_real(self.batch_size)
        loss_real = reconstruction_loss(D, real)

        # 2. D reconstructs a generated batch, G detached: L(G(z_D))
        with no_grad():
            fake = G(self.noise(self.batch_size))
        loss_fake = reconstruction_loss(D, fake)

        #    minimise L_D = L(x) - k_t L(G(z_D)): reconstruct real images, and with weight k_t fail on
        #    generated ones (k_t is a constant here: the controller, not the gradient, moves it)
        d_loss = self.update_discriminator(loss_real - loss_fake * self.k, D, real, fake, with_penalty)
        self.latest["l_real"] = loss_real.data
        return d_loss, loss_real.data, loss_fake.data

    def generator_step(self):
        """One update of G through D; returns L_G = L(G(z_G))."""
        G, D = self.generator, self.discriminator

        # 3. G makes a fresh batch and D reconstructs it.  Minimise L_G = L(G(z_G)) = mean |G(z) - D(G(z))|
        g_loss = reconstruction_loss(D, G(self.noise(self.batch_size)))
        self.update_generator(g_loss)
        return g_loss

    def control(self, l_real, l_fake):
        """Move 4, the proportional controller: k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1)
        from the step's L(x) and L(G(z_G)) (0-d arrays); returns M_global = L(x) + |gamma L(x) - L(G(z_G))|."""
        xp = backend.get_array_module(self.k)
        error = self.gamma * l_real - l_fake  # > 0: G's images are reconstructed too well, D must push on them
        self.k = xp.clip(self.k + self.lambda_k * error, 0.0, 1.0)
        return l_real + xp.abs(error)

    def step(self):
        """``GANTrainer.step`` (moves 1 to 3), then the controller (move 4).

        The statistics: ``d_loss`` L_D, ``g_loss`` L_G = L(G(z_G)), ``d_real`` L(x) and ``d_fake``
        L(G(z_D)) of D's last update, ``k`` (k_{t+1}, the value the next step uses) and ``m_global``,
        with GANTrainer's gradient norms; 0-d arrays, read by ``float``.
        """
        stats = super().step()
        stats["m_global"] = self.control(self.latest["l_real"], stats["g_loss"])
        stats["k"] = self.k
        return stats

    def state_dict(self):
        """``GANTrainer.state_dict`` with k_t (a float, exact in the checkpoint's JSON), so that a resumed
        run's controller continues exactly."""
        return {**super().state_dict(), "k": float(self.k)}

    def load_state_dict(self, state):
        """Restore a ``state_dict``, k_t included."""
        k = state.get("k")
        if isinstance(k, bool) or not isinstance(k, numbers.Real) or not 0 <= k <= 1:
            raise ValueError(f"not a BEGANTrainer checkpoint: its k must be a number in [0, 1], got {k!r}")
        super().load_state_dict(state)
        self.k = backend.xp().asarray(float(k), dtype="float64")
