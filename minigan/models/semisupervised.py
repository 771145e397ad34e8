"""The semi-supervised GAN's discriminator: a K-class classifier whose "generated" logit is 0.

Salimans et al. (2016, "Improved Techniques for Training GANs") turn a GAN's discriminator
into a classifier over the K real classes plus a (K+1)-th class, "generated". With logits
l_1..l_K for the real classes and l_{K+1} for "generated",

    p(k | x) = exp(l_k) / (sum_j exp(l_j) + exp(l_{K+1})).

Adding the same number to all K+1 logits changes no probability, so l_{K+1} can be fixed
at 0 without losing anything: the network returns only the K class logits, and with
Z(x) = sum_k exp(l_k),

    D(x) = p(real | x) = Z / (Z + 1) = sigmoid(logsumexp(l)),

a binary discriminator whose logit is logsumexp(l). The losses on these logits are in
``minigan.gan.semisupervised``; docs/semisupervised.md derives them.

``SemiSupervisedClassifier`` is that network for small images: ``features`` (N, F), the
layer the generator's feature matching compares, then ``head``, a Linear layer to the K
logits. It keeps two of the paper's stabilisers, both active in training mode only:
Gaussian noise added to the images (``GaussianNoise``) and dropout on the hidden layers.
It has no BatchNorm: a batch of generated images would be normalised with its own
statistics, and the classifier could no longer compare it with real ones.
"""

from minigan import backend, nn
from minigan.models.dcgan import feature_map_size


class GaussianNoise(nn.Module):
    """y = x + sigma eps, eps ~ N(0, 1) drawn fresh at every call, in training mode; x in
    evaluation mode. No parameters; dy/dx = 1, so the gradient passes unchanged.

    Args:
        sigma: the noise's standard deviation (0 for none).

    Shapes: any (*) -> the same (*).
    """

    def __init__(self, sigma):
        super().__init__()
        if not sigma >= 0:
            raise ValueError(f"GaussianNoise: sigma must be >= 0, got {sigma!r}")
        self.sigma = sigma

    def forward(self, x):
        """x + sigma eps in training mode, x in evaluation mode."""
        if not self.training or self.sigma == 0:
            return x
        eps = backend.rng(backend.get_array_module(x.data)).standard_normal(x.shape, dtype=x.dtype)
        eps *= self.sigma
        return x + eps  # eps is a constant: the Add passes gy to x as it is

    def extra_repr(self):
        """The setting shown by ``repr``."""
        return f"sigma={self.sigma}"


class SemiSupervisedClassifier(nn.Module):
    """D of the semi-supervised GAN: images (N, C, S, S) -> K class logits (N, K).

    ``features``: Gaussian noise on the images, a 3x3 convolution (width channels), then two
    stride-2 4x4 convolutions halving the side (2 width, 4 width channels), each followed by
    LeakyReLU(0.2) and dropout, then a Linear layer to ``n_features`` with LeakyReLU(0.2):
    the features (N, n_features) that feature matching compares. ``head``: dropout, then a
    Linear layer to the K logits. The layout is the digits classifier's
    (``minigan.metrics.ConvClassifier``) without its BatchNorm.

    Args:
        image_size: S, a multiple of 4 (8 for the digits).
        channels: C.
        n_classes: K, the real classes (the "generated" logit is the constant 0).
        width: channels of the first convolution.
        n_features: the size of the features.
        input_noise: the standard deviation of the Gaussian noise added to the images
            (pixels in [-1, 1]) in training mode.
        dropout: the dropout probability after each hidden layer in training mode.
    """

    def __init__(self, image_size=8, channels=1, n_classes=10, width=16, n_features=64, input_noise=0.15,
                 dropout=0.2):
        super().__init__()
        base = feature_map_size(image_size)
        self.config = dict(image_size=image_size, channels=channels, n_classes=n_classes, width=width,
                           n_features=n_features, input_noise=input_noise, dropout=dropout)
        self.features = nn.Sequential(
            GaussianNoise(input_noise),
            nn.Conv2d(channels, width, 3, padding=1),                   # (N, width, S, S)
            nn.LeakyReLU(0.2), nn.Dropout(dropout),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1),        # (N, 2 width, S/2, S/2)
            nn.LeakyReLU(0.2), nn.Dropout(dropout),
            nn.Conv2d(2 * width, 4 * width, 4, stride=2, padding=1),    # (N, 4 width, S/4, S/4)
            nn.LeakyReLU(0.2), nn.Dropout(dropout),
            nn.Flatten(),
            nn.Linear(4 * width * base * base, n_features), nn.LeakyReLU(0.2),  # (N, n_features)
        )
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(n_features, n_classes))

    def forward(self, x):
        """Class logits (N, K) of images x (N, C, S, S)."""
        return self.head(self.features(x))
