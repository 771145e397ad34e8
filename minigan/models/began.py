"""BEGAN's networks (Berthelot et al. 2017): a decoder for G, and an autoencoder for D.

BEGAN's discriminator does not output a logit. It is an autoencoder, and what it says about
an image v is how badly it reconstructs it: L(v) = mean |v - D(v)|. D learns to reconstruct
real images well and generated ones badly; G learns to make images D reconstructs well.

Both networks are built from the paper's few pieces: 3x3 convolutions with ELU, nearest
neighbour upsampling (each pixel repeated into a 2x2 block, then convolved) on the way up,
a stride-2 3x3 convolution on the way down, and no BatchNorm anywhere. G *is* the decoder
of D's autoencoder in shape (not in weights):

    decoder: h (N, h_dim) -> Linear -> (width, base, base)
             -> [conv3x3 ELU, upsample x2] twice -> conv3x3 ELU -> conv3x3 -> (C, S, S)
    encoder: (C, S, S) -> conv3x3 ELU (width channels)
             -> [conv3x3 stride 2 ELU, conv3x3 ELU] twice (2 width, then 3 width channels)
             -> Linear -> h (N, h_dim)

with ``base = image_size // 4``: 2x2 -> 4x4 -> 8x8 for the 8x8 digits, 7x7 -> 14x14 -> 28x28
for MNIST. The paper stacks two convolutions per resolution on 32x32 to 128x128 images and
grows the encoder's channels by ``width`` at each downsampling, as here; one convolution per
resolution is enough for images this small, and keeps a run of the digits demo short.

G's images end in Tanh, in [-1, 1] as the real images and the scoring classifier expect; D's
reconstruction ends in a plain convolution (the paper's), free to reach -1 exactly where the
real digits' background is.

Both networks are about ten layers deep with no normalisation, so their initialisation decides
whether a signal crosses them (``began_init_``). With PyTorch's default, U(-k, k) with
k = 1 / sqrt(fan_in), each layer keeps about a third of its input's variance: after ten layers
D's reconstruction hardly depends on its input (it draws the mean digit whatever it is shown)
and G's images hardly depend on z (every sample alike): training starts collapsed. He
initialisation keeps the variance through each ReLU-like layer (ELU is one for positive
inputs), and both networks start out using their inputs.
"""

import math

from minigan import nn
from minigan.models.dcgan import feature_map_size
from minigan.nn import functional as F
from minigan.nn.init import fan_in, normal_, zeros_


def began_init_(model):
    """He initialisation (He et al. 2015), in place on a whole model; returns it: every Conv2d
    and Linear weight ~ N(0, 2 / fan_in), every bias 0.

    A layer y = W x with E[x^2] = v gives Var(y) = fan_in Var(W) v = 2 v, and an ELU, like a
    ReLU, halves the second moment of a zero-mean input (about: its negative side is bounded
    by -1): the variance crosses each layer unchanged instead of shrinking to a third.
    """
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            normal_(module.weight, 0.0, math.sqrt(2.0 / fan_in(module.weight.shape)))
            if module.bias is not None:
                zeros_(module.bias)
    return model


def _conv(in_channels, out_channels, dtype, stride=1):
    """A 3x3 convolution that keeps the side (stride 1) or halves it, rounding up (stride 2):
    (H + 2 - 3) // 2 + 1 = ceil(H / 2), so 28 -> 14 -> 7 and 8 -> 4 -> 2."""
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, dtype=dtype)


def began_decoder(h_dim, image_size=8, channels=1, width=32, dtype="float32"):
    """BEGAN's decoder: (N, h_dim) -> (N, channels, image_size, image_size), unbounded.

    Linear to (width, base, base), then at each of the three resolutions a 3x3 convolution
    with ELU, with a nearest-neighbour upsampling between them, and a last 3x3 convolution to
    ``channels``. G is this decoder with a Tanh after it (``BEGANGenerator``); D's autoencoder
    ends with this decoder and no Tanh (``BEGANDiscriminator``).
    """
    base = feature_map_size(image_size)
    return nn.Sequential(
        nn.Linear(h_dim, width * base * base, dtype=dtype),
        nn.Unflatten(1, (width, base, base)),
        _conv(width, width, dtype), nn.ELU(),   # (N, width, base, base)
        nn.Upsample(scale_factor=2),
        _conv(width, width, dtype), nn.ELU(),   # (N, width, 2 base, 2 base)
        nn.Upsample(scale_factor=2),
        _conv(width, width, dtype), nn.ELU(),   # (N, width, image_size, image_size)
        _conv(width, channels, dtype),          # (N, channels, image_size, image_size)
    )


def began_encoder(h_dim, image_size=8, channels=1, width=32, dtype="float32"):
    """BEGAN's encoder: (N, channels, image_size, image_size) -> the embedding h (N, h_dim).

    A 3x3 convolution to ``width`` channels; then twice a stride-2 3x3 convolution that halves
    the side and adds ``width`` channels (the paper's subsampling) followed by a 3x3
    convolution at the new side, each with ELU; and a Linear layer to h.
    """
    base = feature_map_size(image_size)
    return nn.Sequential(
        _conv(channels, width, dtype), nn.ELU(),                   # (N, width, image_size, image_size)
        _conv(width, 2 * width, dtype, stride=2), nn.ELU(),        # (N, 2 width, 2 base, 2 base)
        _conv(2 * width, 2 * width, dtype), nn.ELU(),
        _conv(2 * width, 3 * width, dtype, stride=2), nn.ELU(),    # (N, 3 width, base, base)
        _conv(3 * width, 3 * width, dtype), nn.ELU(),
        nn.Flatten(),
        nn.Linear(3 * width * base * base, h_dim, dtype=dtype),    # (N, h_dim)
    )


class BEGANGenerator(nn.Module):
    """G: noise (N, z_dim) -> images (N, channels, image_size, image_size) in [-1, 1].

    Args:
        z_dim: the size of the noise vector.
        image_size: the images' side, a multiple of 4 (8 for the digits, 28 for MNIST).
        channels: the images' channels.
        width: the decoder's channels.
        dtype: the parameters' dtype.

    Attributes:
        decoder: ``began_decoder(z_dim, ...)``, the shape of D's decoder, He-initialised
            (``began_init_``); a Tanh follows it.
    """

    def __init__(self, z_dim, image_size=8, channels=1, width=32, dtype="float32"):
        super().__init__()
        self.decoder = began_init_(began_decoder(z_dim, image_size, channels, width, dtype))

    def forward(self, z):
        """Images (N, C, S, S) in [-1, 1] of the noise z (N, z_dim)."""
        return F.tanh(self.decoder(z))


class BEGANDiscriminator(nn.Module):
    """D, an autoencoder: images v (N, C, S, S) -> their reconstructions D(v) (N, C, S, S).

    Args:
        image_size, channels, width, dtype: as ``BEGANGenerator``'s.
        h_dim: the size of the embedding h between encoder and decoder (the paper's N_h).

    Attributes:
        encoder: ``began_encoder``, v -> h (N, h_dim), He-initialised.
        decoder: ``began_decoder``, h -> D(v), of G's shape, He-initialised.
    """

    def __init__(self, image_size=8, channels=1, width=32, h_dim=32, dtype="float32"):
        super().__init__()
        self.encoder = began_init_(began_encoder(h_dim, image_size, channels, width, dtype))
        self.decoder = began_init_(began_decoder(h_dim, image_size, channels, width, dtype))

    def forward(self, v):
        """The reconstruction D(v) (N, C, S, S) of images v (N, C, S, S), unbounded."""
        return self.decoder(self.encoder(v))


def reconstruction_loss(discriminator, v):
    """BEGAN's L(v) = mean |v - D(v)|: how badly the autoencoder ``discriminator`` reconstructs
    the images v (N, C, S, S), averaged over every pixel of the batch; a 0-d Tensor.

    Its gradient flows through D(v) into D's parameters, and through both v and D(v) into
    whatever made v (G, in G's update): with s = sign(D(v) - v) and n pixels,
    dL/dv = (J_D(v)^T s - s) / n, the two paths of v into |D(v) - v|.
    """
    return F.l1_loss(discriminator(v), v)
