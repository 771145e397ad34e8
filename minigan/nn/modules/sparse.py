"""``Embedding``: a learned vector for each of a fixed set of integers (a conditional GAN's classes)."""

from minigan.nn import functional as F
from minigan.nn import init
from minigan.nn.modules.module import Module, check_positive_int, new_parameter


class Embedding(Module):
    """A lookup table: row i of ``weight`` for each integer i of the input.

    Args:
        num_embeddings: how many rows (classes).
        embedding_dim: the size of each row.
        dtype: the weight's dtype.

    Shapes: integer indices (*) -> (*, embedding_dim).

    Attributes:
        weight: Parameter (num_embeddings, embedding_dim), initialised from N(0, 1) as in PyTorch.
    """

    def __init__(self, num_embeddings, embedding_dim, dtype="float32"):
        super().__init__()
        check_positive_int("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = init.normal_(new_parameter("Embedding", (num_embeddings, embedding_dim), dtype))

    def forward(self, input):
        """The rows of ``weight`` named by ``input`` (integers in [0, num_embeddings))."""
        return F.embedding(input, self.weight)

    def extra_repr(self):
        """The settings shown by ``repr``, as PyTorch shows them."""
        return f"{self.num_embeddings}, {self.embedding_dim}"
