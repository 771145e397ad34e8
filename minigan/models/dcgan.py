"""DCGAN's convolutional generator and discriminator (Radford et al., 2016), sized from the image.

Both networks work at three resolutions: the image, half of it and a quarter of it
(``base = image_size // 4``). For the 8x8 digits that is 2x2 -> 4x4 -> 8x8; for 28x28
MNIST 7x7 -> 14x14 -> 28x28. Each step up or down is a 4x4 kernel with stride 2 and
padding 1, which exactly doubles or halves the side: (H - 1) * 2 - 2 + 4 = 2H and
(2H + 2 - 4) // 2 + 1 = H.

The paper's recipe: no pooling (strided convolutions learn their own up- and
downsampling), BatchNorm in both networks except at G's output and D's input, ReLU in G
with Tanh at its output (images live in [-1, 1]), LeakyReLU(0.2) in D, weights ~ N(0, 0.02).
A critic trained with a gradient penalty (WGAN-GP, R1) is built without BatchNorm
(``batch_norm=False``): BatchNorm mixes the samples of a batch, so one logit's gradient
with respect to its own image is no longer the per-sample gradient the penalty constrains.

``full_res_width`` adds one layer to each network at the image's own resolution: a
stride-1 3x3 convolution. On 8x8 images the paper's layout leaves each network two
convolutions; G's last one then has to draw every pixel straight from the half-resolution
maps, and D's first one reads the pixels through a stride. The extra layer lets G draw,
and D read, strokes one pixel at a time (docs/results.md measures what it does).
"""

from minigan import nn
from minigan.nn.init import normal_, zeros_


def dcgan_init_(model):
    """DCGAN's initialisation (Radford et al., 2016), in place on a whole model; returns it.

    Conv2d, ConvTranspose2d and Linear weights ~ N(0, 0.02), their biases 0; BatchNorm
    weights (scales) ~ N(1, 0.02), their biases 0. Other modules are left as they are.
    """
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            normal_(module.weight, 0.0, 0.02)
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) and module.weight is not None:
            normal_(module.weight, 1.0, 0.02)  # a scale: centred on 1 so the layer starts as the identity
        else:
            continue
        if module.bias is not None:
            zeros_(module.bias)
    return model


def feature_map_size(image_size):
    """The side of the smallest feature map: ``image_size // 4`` (two stride-2 steps)."""
    if isinstance(image_size, bool) or not isinstance(image_size, int) or image_size < 4 or image_size % 4:
        raise ValueError(f"DCGAN needs an image size that is a multiple of 4 (8 for the digits, "
                         f"28 for MNIST), got {image_size!r}")
    return image_size // 4


def _up(in_channels, out_channels, dtype):
    """A stride-2 transposed convolution that doubles the side: (N, C, H, W) -> (N, OC, 2H, 2W)."""
    return nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1, bias=False, dtype=dtype)


def _down(in_channels, out_channels, dtype, bias=False):
    """A stride-2 convolution that halves the side: (N, C, H, W) -> (N, OC, H/2, W/2)."""
    return nn.Conv2d(in_channels, out_channels, 4, stride=2, padding=1, bias=bias, dtype=dtype)


def dcgan_generator(z_dim, image_size=8, channels=1, width=64, dtype="float32", full_res_width=0):
    """G: noise (N, z_dim) -> images (N, channels, image_size, image_size) in [-1, 1].

    Linear -> BatchNorm1d -> ReLU -> (2 width, base, base), then two stride-2
    ConvTranspose2d doubling the side (width channels, then ``channels``) with BatchNorm
    and ReLU between them, and Tanh at the end. DCGAN initialisation.

    With ``full_res_width`` > 0 the second ConvTranspose2d gives ``full_res_width``
    channels instead, and BatchNorm, ReLU and a stride-1 3x3 Conv2d to ``channels``
    follow it, before the Tanh.
    """
    base = feature_map_size(image_size)
    features = 2 * width * base * base
    if full_res_width:
        output = [
            _up(width, full_res_width, dtype),         # (N, full_res_width, image_size, image_size)
            nn.BatchNorm2d(full_res_width, dtype=dtype),
            nn.ReLU(),
            nn.Conv2d(full_res_width, channels, 3, padding=1, bias=False, dtype=dtype),  # same side
        ]
    else:
        output = [_up(width, channels, dtype)]        # (N, channels, image_size, image_size)
    return dcgan_init_(nn.Sequential(
        nn.Linear(z_dim, features, bias=False, dtype=dtype),
        nn.BatchNorm1d(features, dtype=dtype),
        nn.ReLU(),
        nn.Unflatten(1, (2 * width, base, base)),
        _up(2 * width, width, dtype),                  # (N, width, 2 base, 2 base)
        nn.BatchNorm2d(width, dtype=dtype),
        nn.ReLU(),
        *output,
        nn.Tanh(),
    ))


def dcgan_discriminator(image_size=8, channels=1, width=64, dtype="float32", batch_norm=True, full_res_width=0):
    """D: images (N, channels, image_size, image_size) -> logits (N, 1).

    Two stride-2 Conv2d halving the side (width, then 2 width channels) with
    LeakyReLU(0.2), BatchNorm on the second only (not on the images themselves), then a
    Linear layer to one logit. DCGAN initialisation.

    With ``full_res_width`` > 0 a stride-1 3x3 Conv2d (``full_res_width`` channels, with
    a bias) and LeakyReLU(0.2) read the images first, and the first stride-2 Conv2d reads
    their output.

    With ``batch_norm=False`` (the critic of a gradient penalty) the second stride-2
    convolution has a bias instead of the BatchNorm that followed it, and each logit
    depends on its own image only.
    """
    base = feature_map_size(image_size)
    normalise = [nn.BatchNorm2d(2 * width, dtype=dtype)] if batch_norm else []
    full_res = [nn.Conv2d(channels, full_res_width, 3, padding=1, dtype=dtype),  # same side
                nn.LeakyReLU(0.2)] if full_res_width else []
    return dcgan_init_(nn.Sequential(
        *full_res,
        _down(full_res_width or channels, width, dtype),  # (N, width, 2 base, 2 base)
        nn.LeakyReLU(0.2),
        _down(width, 2 * width, dtype, bias=not batch_norm),  # (N, 2 width, base, base)
        *normalise,
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(2 * width * base * base, 1, dtype=dtype),
    ))
