"""Instance normalisation: each channel of each sample standardised over its own pixels.

    x_hat[n, c] = (x[n, c] - mean_hw x[n, c]) / sqrt(var_hw x[n, c] + eps),   y = gamma x_hat + beta

The same ``Normalize`` as batch normalisation, with the statistics taken over the spatial
axes (H, W) only instead of (N, H, W): so its backward, derived in ``batchnorm.py``, holds
with m = H W, and no sample's output depends on another's (pix2pix and CycleGAN's
generators use it, and style transfer: the statistics of one image are its "style").
"""

from minigan.autograd import Tensor
from minigan.nn.functional.batchnorm import Normalize, affine


def instance_norm(input, weight=None, bias=None, eps=1e-5):
    """Instance normalisation of ``input`` per sample and channel, as ``torch.nn.functional.instance_norm``
    with its defaults (no running statistics: each sample is normalised with its own, also in evaluation).

    Args:
        input: Tensor (N, C, H, W) (or (N, C, L)), with more than one value per channel.
        weight, bias: Tensors (C,), gamma and beta, or None (no scale / no shift).
        eps: added to the variance so a constant channel does not divide by zero.

    Returns:
        Tensor of ``input``'s shape. Pass weight and bias by keyword: PyTorch's function takes
        running statistics first, which minigan does not keep.
    """
    if not isinstance(input, Tensor) or input.ndim < 3:
        shape = input.shape if isinstance(input, Tensor) else type(input).__name__
        raise ValueError(f"instance_norm expects a Tensor (N, C, H, W) or (N, C, L), got {shape}")
    if input.size // (input.shape[0] * input.shape[1] or 1) <= 1:
        raise ValueError(f"instance_norm expects more than 1 spatial value per channel, got input of "
                         f"shape {input.shape}")
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and value.shape != (input.shape[1],):
            raise ValueError(f"instance_norm: {name} has shape {value.shape} but the input has "
                             f"{input.shape[1]} channels (input shape {input.shape})")
    x_hat = Normalize(tuple(range(2, input.ndim)), eps)(input)
    return affine(x_hat, weight, bias)
