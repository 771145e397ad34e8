"""Multilayer perceptrons for GANs on low-dimensional data (the 2D mixtures)."""

from minigan import nn


class Pack(nn.Module):
    """PacGAN packing (Lin et al. 2018): m samples side by side make one discriminator input.

    (N, D) -> (N / m, m * D). A discriminator that judges m samples at once sees their
    diversity, so a generator that puts all its samples on one mode is easier to catch.
    All m samples of a pack are real, or all generated.
    """

    def __init__(self, m):
        super().__init__()
        if not isinstance(m, int) or m < 1:
            raise ValueError(f"Pack needs a positive integer number of samples per pack, got {m!r}")
        self.m = m

    def forward(self, x):
        """(N, D) -> (N / m, m * D): each row is one pack of m samples."""
        n = x.shape[0]
        if x.ndim != 2 or n % self.m:
            raise ValueError(f"{self!r} expects input of shape (N, D) with N a multiple of {self.m}, "
                             f"received {x.shape}")
        return x.reshape(n // self.m, self.m * x.shape[1])

    def extra_repr(self):
        """The setting shown by ``repr``."""
        return f"m={self.m}"


def mlp(sizes, activation, dtype="float32"):
    """``Linear(sizes[0], sizes[1]) -> activation() -> ... -> Linear(sizes[-2], sizes[-1])``."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def mlp_generator(z_dim, out_dim=2, width=128, depth=3, dtype="float32"):
    """G: noise (N, z_dim) -> samples (N, out_dim) through ``depth`` ReLU layers of ``width``."""
    return mlp([z_dim] + [width] * depth + [out_dim], nn.ReLU, dtype)


def mlp_discriminator(in_dim=2, width=128, depth=3, pack=1, dtype="float32"):
    """D: samples (N, in_dim) -> logits (N / pack, 1) through ``depth`` LeakyReLU(0.2) layers."""
    body = mlp([in_dim * pack] + [width] * depth + [1], lambda: nn.LeakyReLU(0.2), dtype)
    return nn.Sequential(Pack(pack), *body) if pack > 1 else body
