"""``Flatten`` and ``Unflatten``: reshapes between convolutional and fully connected layers."""

import math

from minigan.nn.modules.module import Module


class Flatten(Module):
    """Merge the dimensions ``start_dim`` to ``end_dim`` (inclusive) into one.

    Args:
        start_dim: first dimension merged (1 keeps the batch dimension apart).
        end_dim: last dimension merged (negative counts from the end).

    Shapes: with the defaults, x (N, C, H, W) -> y (N, C * H * W).
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        """y = x reshaped, dimensions start_dim..end_dim merged."""
        self._check_input(x, f"with dimensions {self.start_dim} and {self.end_dim}", self._dims_fit)
        start, end = self.start_dim % x.ndim, self.end_dim % x.ndim
        if start > end:
            raise ValueError(f"{self!r}: start_dim comes after end_dim for input of shape {x.shape}")
        merged = math.prod(x.shape[start:end + 1])
        return x.reshape(*x.shape[:start], merged, *x.shape[end + 1:])

    def _dims_fit(self, shape):
        """Whether both start_dim and end_dim name dimensions of ``shape``."""
        return all(-len(shape) <= d < len(shape) for d in (self.start_dim, self.end_dim))

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``: the inverse of Flatten.

    Args:
        dim: the dimension split (negative counts from the end).
        unflattened_size: the sizes it becomes; their product must equal its size.

    Shapes: Unflatten(1, (C, H, W)) maps x (N, C * H * W) -> y (N, C, H, W), as a DCGAN
    generator does after its first Linear layer.
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        sizes = tuple(unflattened_size)
        if not sizes or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes):
            raise ValueError(f"Unflatten: unflattened_size must be positive ints, got {unflattened_size!r}")
        self.dim, self.unflattened_size = dim, sizes

    def forward(self, x):
        """y = x with dimension ``dim`` split into ``unflattened_size``."""
        total = math.prod(self.unflattened_size)
        fits = lambda s: -len(s) <= self.dim < len(s) and s[self.dim] == total  # noqa: E731
        self._check_input(x, f"with dimension {self.dim} of size {total}", fits)
        d = self.dim % x.ndim
        return x.reshape(*x.shape[:d], *self.unflattened_size, *x.shape[d + 1:])

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
