"""Lookup tables: ``embedding`` (rows of a learned weight) and ``one_hot`` (rows of the identity).

``embedding(i, W)`` is ``W[i]``, an indexing (``GetItem``): its gradient adds each gy row to
the row of W it was read from, so a class that appears twice in a batch collects both.
``one_hot(i, C)`` is the same lookup in the C x C identity, an integer tensor with no gradient.
"""

from minigan import backend
from minigan.autograd import Tensor
from minigan.nn.functional.indices import check_indices


def embedding(input, weight):
    """The rows of ``weight`` named by the integers in ``input``, as ``torch.nn.functional.embedding``.

    Args:
        input: integer indices of any shape (*), a Tensor or an array, values in [0, num_embeddings).
        weight: Tensor (num_embeddings, embedding_dim).

    Returns:
        Tensor (*, embedding_dim): ``weight[input]``. A conditional GAN's class embedding.
    """
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        shape = weight.shape if isinstance(weight, Tensor) else type(weight).__name__
        raise ValueError(f"embedding: weight must be a Tensor (num_embeddings, embedding_dim), got {shape}")
    return weight[check_indices("embedding", input, weight.shape[0], weight.data)]


def one_hot(tensor, num_classes=-1):
    """Class indices as one-hot rows, as ``torch.nn.functional.one_hot``.

    Args:
        tensor: integer indices of any shape (*), values in [0, num_classes).
        num_classes: C; -1 takes the largest index + 1 (one host read, a GPU sync on CuPy).

    Returns:
        An int64 Tensor (*, C) with a 1 at each index and 0 elsewhere (not differentiable).
    """
    raw = tensor.data if isinstance(tensor, Tensor) else tensor
    if num_classes == -1 and getattr(raw, "dtype", None) is not None and raw.dtype.kind in "iu":
        num_classes = int(raw.max()) + 1 if raw.size else 0
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be a non-negative int or -1, got {num_classes!r}")
    raw = check_indices("one_hot", raw, num_classes, raw, what="class index")
    xp = backend.get_array_module(raw)
    return Tensor((raw[..., None] == xp.arange(num_classes)).astype("int64"))
