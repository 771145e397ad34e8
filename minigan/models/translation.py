"""Networks that translate an image into another: pix2pix's U-Net, CycleGAN's ResNet generator,
and the PatchGAN discriminator both use, sized for 16x16 images.

Every side is halved or doubled by a 4x4 kernel with stride 2 and padding 1 (as in DCGAN,
minigan/models/dcgan.py); the weights start as N(0, 0.02), both papers' initialisation. The
normalisation is instance norm (statistics of each image alone): CycleGAN's choice, and what
pix2pix's BatchNorm is with its batches of one image. A convolution followed by instance norm
has no bias: the norm subtracts each channel's mean, and a bias with it (its gradient is 0).

U-Net (pix2pix, Isola et al. 2017), for a 16x16 image x:

    down1 = LReLU(conv(x))                 (N, w, 8, 8)
    down2 = LReLU(IN(conv(down1)))         (N, 2w, 4, 4)
    down3 = ReLU(conv(down2))              (N, 4w, 2, 2)   the bottleneck (no norm: 4 values a channel)
    up3   = ReLU(IN(convT(down3)))                     (N, 2w, 4, 4)
    up2   = ReLU(IN(convT(cat([up3, down2], 1))))      (N, w, 8, 8)
    y     = Tanh(convT(cat([up2, down1], 1)))          (N, C_out, 16, 16)

The skip connections ``cat`` each decoder map with the encoder map of its size: what the
input and the output share (here the digit's strokes, pixel for pixel) goes straight across
instead of through the 2x2 bottleneck.

ResNet generator (CycleGAN, Zhu et al. 2017, after Johnson et al. 2016): reflection padding
before every 3x3 convolution (no border of zeros to imitate), down once to 8x8, residual
blocks x + block(x) there, up once. A residual block starts as nearly the identity, so the
translation starts close to "keep the image" and learns what to change.

PatchGAN (pix2pix): D is fully convolutional and ends in a map of logits instead of one:

    conv 4x4 /2 -> LReLU                  (N, w, 8, 8)     each unit sees 4x4 pixels
    conv 4x4 /2 -> IN -> LReLU            (N, 2w, 4, 4)    10x10
    conv 1x1                              (N, 1, 4, 4)     one logit per 10x10 patch

Each logit judges one overlapping 10x10 patch, and the loss is the mean over all of them:
D models the image's texture and local structure only (the L1 or cycle term takes care of
the layout), with fewer parameters than a D of the whole image, and every patch is a sample.
"""

from minigan import nn
from minigan.autograd import cat
from minigan.models.dcgan import dcgan_init_

IMAGE_SIZE = 16  # every network here is sized for 16x16 images


def _down(in_channels, out_channels, dtype, bias=True):
    """A stride-2 convolution that halves the side: (N, C, H, W) -> (N, OC, H/2, W/2)."""
    return nn.Conv2d(in_channels, out_channels, 4, stride=2, padding=1, bias=bias, dtype=dtype)


def _up(in_channels, out_channels, dtype, bias=True):
    """A stride-2 transposed convolution that doubles the side: (N, C, H, W) -> (N, OC, 2H, 2W)."""
    return nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1, bias=bias, dtype=dtype)


def _check_images(model, x, channels):
    """Raise naming ``model`` unless x is (N, channels, 16, 16)."""
    if x.ndim != 4 or tuple(x.shape[1:]) != (channels, IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"{type(model).__name__} expects images (N, {channels}, {IMAGE_SIZE}, {IMAGE_SIZE}), "
                         f"got {tuple(x.shape)}")


class UNetGenerator(nn.Module):
    """pix2pix's U-Net for 16x16 images: (N, in_channels, 16, 16) -> (N, out_channels, 16, 16) in [-1, 1].

    Args:
        in_channels, out_channels: the channels of the input and of the translation.
        width: w, the channels of the first encoder map (then 2w, 4w at the bottleneck).
        dtype: the parameters' dtype.

    Attributes:
        down1, down2, down3: the encoder; up3, up2, up1: the decoder, whose up2 and up1 read
        the ``cat`` of the map below and the encoder map of their size.
    """

    def __init__(self, in_channels=3, out_channels=3, width=32, dtype="float32"):
        super().__init__()
        self.in_channels, w = in_channels, width
        self.down1 = nn.Sequential(_down(in_channels, w, dtype), nn.LeakyReLU(0.2))
        self.down2 = nn.Sequential(_down(w, 2 * w, dtype, False), nn.InstanceNorm2d(2 * w), nn.LeakyReLU(0.2))
        self.down3 = nn.Sequential(_down(2 * w, 4 * w, dtype), nn.ReLU())
        self.up3 = nn.Sequential(_up(4 * w, 2 * w, dtype, False), nn.InstanceNorm2d(2 * w), nn.ReLU())
        self.up2 = nn.Sequential(_up(4 * w, w, dtype, False), nn.InstanceNorm2d(w), nn.ReLU())
        self.up1 = nn.Sequential(_up(2 * w, out_channels, dtype), nn.Tanh())
        dcgan_init_(self)

    def forward(self, x):
        """The translation (N, out_channels, 16, 16) of images x (N, in_channels, 16, 16)."""
        _check_images(self, x, self.in_channels)
        d1 = self.down1(x)                      # (N, w, 8, 8)
        d2 = self.down2(d1)                     # (N, 2w, 4, 4)
        u3 = self.up3(self.down3(d2))           # (N, 2w, 2, 2) -> (N, 2w, 4, 4)
        u2 = self.up2(cat([u3, d2], 1))         # skip: (N, 4w, 4, 4) -> (N, w, 8, 8)
        return self.up1(cat([u2, d1], 1))       # skip: (N, 2w, 8, 8) -> (N, C_out, 16, 16)


class ResidualBlock(nn.Module):
    """x + block(x), block = pad, conv 3x3, IN, ReLU, pad, conv 3x3, IN: (N, C, H, W) -> (N, C, H, W)."""

    def __init__(self, channels, dtype="float32"):
        super().__init__()
        self.block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=False, dtype=dtype),
            nn.InstanceNorm2d(channels), nn.ReLU(),
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=False, dtype=dtype),
            nn.InstanceNorm2d(channels),
        )

    def forward(self, x):
        """x + block(x): the block learns a change to its input."""
        return x + self.block(x)


class _Layers(nn.Module):
    """A network of 16x16 images that is one ``Sequential``, ``model``: it checks that its input has
    ``in_channels`` channels and runs the layers (the ResNet generator, the PatchGAN)."""

    def forward(self, x):
        """``model(x)`` of images x (N, in_channels, 16, 16)."""
        _check_images(self, x, self.in_channels)
        return self.model(x)


class ResNetGenerator(_Layers):
    """CycleGAN's generator for 16x16 images: (N, in_channels, 16, 16) -> (N, out_channels, 16, 16) in [-1, 1].

    Args:
        in_channels, out_channels: the channels of the input and of the translation.
        width: w, the channels at 16x16 (2w at 8x8, in the residual blocks).
        n_blocks: the residual blocks at 8x8.
        dtype: the parameters' dtype.

    Attributes:
        model: pad, conv 3x3, IN, ReLU (N, w, 16, 16); conv 4x4 /2, IN, ReLU (N, 2w, 8, 8);
            the residual blocks; convT 4x4 x2, IN, ReLU (N, w, 16, 16); pad, conv 3x3, Tanh.
    """

    def __init__(self, in_channels=3, out_channels=3, width=32, n_blocks=2, dtype="float32"):
        super().__init__()
        self.in_channels, w = in_channels, width
        self.model = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(in_channels, w, 3, bias=False, dtype=dtype), nn.InstanceNorm2d(w),
            nn.ReLU(),
            _down(w, 2 * w, dtype, False), nn.InstanceNorm2d(2 * w), nn.ReLU(),
            *[ResidualBlock(2 * w, dtype) for _ in range(n_blocks)],
            _up(2 * w, w, dtype, False), nn.InstanceNorm2d(w), nn.ReLU(),
            nn.ReflectionPad2d(1), nn.Conv2d(w, out_channels, 3, dtype=dtype), nn.Tanh(),
        )
        dcgan_init_(self)


class PatchDiscriminator(_Layers):
    """PatchGAN for 16x16 images: (N, in_channels, 16, 16) -> logits (N, 1, 4, 4), one per 10x10 patch.

    Args:
        in_channels: the channels D reads: an image's, or for pix2pix's conditional D those of
            the input and the image together (``cat([a, b], 1)``).
        width: w, the channels of the first map (2w of the second).
        dtype: the parameters' dtype.
    """

    def __init__(self, in_channels=3, width=32, dtype="float32"):
        super().__init__()
        self.in_channels, w = in_channels, width
        self.model = nn.Sequential(
            _down(in_channels, w, dtype), nn.LeakyReLU(0.2),                           # (N, w, 8, 8)
            _down(w, 2 * w, dtype, False), nn.InstanceNorm2d(2 * w), nn.LeakyReLU(0.2),  # (N, 2w, 4, 4)
            nn.Conv2d(2 * w, 1, 1, dtype=dtype),                                      # (N, 1, 4, 4)
        )
        dcgan_init_(self)


class GeneratorPair(nn.Module):
    """CycleGAN's two generators, trained by one optimizer: G translates A to B, F translates B to A.

    Attributes:
        G, F: Modules (N, C_A, 16, 16) -> (N, C_B, 16, 16) and back.
    """

    def __init__(self, G, F):
        super().__init__()
        self.G, self.F = G, F

    def forward(self, a):
        """G(a): images of A (N, C_A, 16, 16) translated to B."""
        return self.G(a)


class DiscriminatorPair(nn.Module):
    """CycleGAN's two discriminators, trained by one optimizer: D_A judges images of A (real a
    against F(b)), D_B images of B (real b against G(a)).

    Attributes:
        D_A, D_B: PatchGAN discriminators.
    """

    def __init__(self, D_A, D_B):
        super().__init__()
        self.D_A, self.D_B = D_A, D_B

    def forward(self, a, b):
        """``(D_A(a), D_B(b))``: the patch logits of images of A and of B."""
        return self.D_A(a), self.D_B(b)
