"""InfoGAN on DCGAN's networks: a code the generator must keep readable (Chen et al. 2016).

G's input is split in two: the noise z, and a code c that G must draw so that it can be read
back from the image. Here c is a categorical code c_cat (one of K values, K = 10 for the
digits) and ``n_continuous`` continuous codes c_cont, uniform on [-1, 1]:

    G(z, c) = DCGAN's generator of cat([z, one_hot(c_cat), c_cont], 1)   (N, z_dim + K + n_cont)

Q reads the code back. It is a head on D's body, beside the real/fake head: DCGAN's
discriminator turns an image into features h = phi(x) (N, F), and

    l(x)      = head(h)           the real/fake logit (N, 1)
    Q_cat(x)  = cat_head(h)       K logits of q(c_cat | x)  (N, K)
    Q_mean(x) = cont_head(h)      the mean of q(c_cont | x) = N(Q_mean(x), I)  (N, n_cont)

The continuous codes' Gaussian has a fixed unit variance, as in the paper's code for MNIST
(openai/InfoGAN's ``Uniform(1, fix_std=True)``): its negative log-likelihood is then
0.5 (c - mean)^2 + 0.5 log(2 pi), a squared error whose gradient (mean - c) cannot blow up
the way a learned log-variance's can when the variance shrinks early in training.

Why Q shares D's body: the features that tell a real digit from a fake one are the features
that say which digit it is, so Q costs one Linear layer on them; and the paper's Q is exactly
this (a head on D's last hidden layer), which makes the information term nearly free.
"""

from minigan import nn
from minigan.autograd import Tensor, cat
from minigan.models.conditional import _features_and_head, check_labels
from minigan.models.dcgan import dcgan_generator, dcgan_init_
from minigan.nn import functional as F


class InfoGANGenerator(nn.Module):
    """G(z, c): noise (N, z_dim), a categorical code (N,) and continuous codes (N, n_cont) ->
    images (N, channels, S, S) in [-1, 1].

    Args:
        z_dim: the size of the noise vector.
        n_categories: K, the values of the categorical code.
        n_continuous: the number of continuous codes.
        image_size, channels, width, dtype, full_res_width: DCGAN's generator's
            (``dcgan_generator``), which reads z_dim + K + n_continuous numbers.

    Attributes:
        main: DCGAN's generator.
    """

    def __init__(self, z_dim, n_categories=10, n_continuous=2, image_size=8, channels=1, width=64, dtype="float32",
                 full_res_width=0):
        super().__init__()
        self.n_categories, self.n_continuous = n_categories, n_continuous
        self.main = dcgan_generator(z_dim + n_categories + n_continuous, image_size, channels, width, dtype,
                                    full_res_width)

    def forward(self, z, c_cat, c_cont):
        """Images (N, C, S, S) of noise z (N, z_dim), categorical code c_cat (N,) and continuous codes c_cont (N, n_cont)."""
        c_cat = check_labels(type(self).__name__, c_cat, z.shape[0], self.n_categories)
        if tuple(c_cont.shape) != (z.shape[0], self.n_continuous):
            raise ValueError(f"{type(self).__name__}: c_cont must have shape ({z.shape[0]}, {self.n_continuous}), "
                             f"got {tuple(c_cont.shape)}")
        one_hot = Tensor(F.one_hot(c_cat, self.n_categories).data.astype(z.dtype))  # (N, K): the code as G reads it
        # the code joins the noise: (N, z_dim), (N, K) and (N, n_cont) -> (N, z_dim + K + n_cont)
        return self.main(cat([z, one_hot, c_cont], 1))


class InfoGANDiscriminator(nn.Module):
    """D and Q on one body: images (N, C, S, S) -> (real/fake logits (N, 1), categorical logits
    (N, K), continuous means (N, n_cont)).

    Args:
        n_categories: K.
        n_continuous: the number of continuous codes.
        image_size, channels, width, dtype, batch_norm, full_res_width: DCGAN's
            discriminator's (``dcgan_discriminator``).

    Attributes:
        features: DCGAN's D up to its flattened features h (N, F), shared by D and Q.
        head: Linear(F, 1), D's real/fake logit.
        cat_head: Linear(F, K), Q's categorical logits; DCGAN initialisation.
        cont_head: Linear(F, n_cont), Q's means of the continuous codes; DCGAN initialisation.
    """

    def __init__(self, n_categories=10, n_continuous=2, image_size=8, channels=1, width=64, dtype="float32",
                 batch_norm=True, full_res_width=0):
        super().__init__()
        self.n_categories, self.n_continuous = n_categories, n_continuous
        self.features, self.head = _features_and_head(image_size, channels, width, dtype, batch_norm, full_res_width)
        self.cat_head = dcgan_init_(nn.Linear(self.head.in_features, n_categories, dtype=dtype))
        self.cont_head = dcgan_init_(nn.Linear(self.head.in_features, n_continuous, dtype=dtype))

    def q_parameters(self):
        """Q's parameters: its two heads and the body it shares with D."""
        return [*self.features.parameters(), *self.cat_head.parameters(), *self.cont_head.parameters()]

    def forward(self, x):
        """``(logits (N, 1), categorical logits (N, K), continuous means (N, n_cont))`` of images x (N, C, S, S)."""
        h = self.features(x)
        return self.head(h), self.cat_head(h), self.cont_head(h)
