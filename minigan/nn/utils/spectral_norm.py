"""Spectral normalisation (Miyato et al., 2018): a layer's weight divided by its largest
singular value, so that the layer is 1-Lipschitz, which steadies a GAN's discriminator.

Notation: W (the learned ``weight_orig``) viewed as a matrix (h, w), with h = its size along
``dim`` (the output channels) and w the product of the rest; sigma(W) its largest singular
value, and u (h,), v (w,) the singular vectors that belong to it, W v = sigma u.

Power iteration: v <- normalise(W^T u), u <- normalise(W v) converges to those vectors. One
step per training forward is enough because W changes little between steps and u is kept
(the buffer ``weight_u``); then sigma = u^T W v, and the layer uses W / sigma.

The gradient flows through sigma with u and v held constant (they are found without
gradients, as in PyTorch): sigma = sum_ij W_ij u_i v_j, so d sigma / dW = u v^T, and

    dL/dW = (gy - <gy, W_sn> u v^T) / sigma,      W_sn = W / sigma, gy = dL/dW_sn

(the quotient rule of the ``Div``, derived in docs/backprop.md). The second term removes the
part of the gradient that would only change sigma.
"""

from minigan import backend
from minigan.autograd import no_grad
from minigan.nn.modules.conv import ConvTranspose2d
from minigan.nn.modules.module import Module, Parameter


def _normalize(a, eps):
    """a / max(||a||, eps): a unit vector (eps guards a zero vector), without a host read."""
    xp = backend.get_array_module(a)
    return a / xp.maximum(xp.linalg.norm(a), eps)


class SpectralNorm:
    """Computes ``name`` = ``name_orig`` / sigma before each forward of the module it is attached to.

    Args:
        name: the parameter normalised ("weight").
        n_power_iterations: power-iteration steps per training forward.
        dim: the dimension of the weight that is the output (0; 1 for ConvTranspose2d).
        eps: the smallest norm divided by when normalising u and v.
    """

    def __init__(self, name, n_power_iterations, dim, eps):
        self.name, self.n_power_iterations, self.dim, self.eps = name, n_power_iterations, dim, eps

    def matrix(self, W):
        """W (a Tensor or an array) as the matrix (h, w): ``dim`` first, the rest flattened."""
        order = (self.dim,) + tuple(d for d in range(W.ndim) if d != self.dim)
        return W.transpose(order).reshape(W.shape[self.dim], -1)

    def compute_weight(self, module, do_power_iteration):
        """W / sigma, differentiable in W; with ``do_power_iteration``, u and v are updated first, in place."""
        W = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        if do_power_iteration:
            W_mat = self.matrix(W.data)
            for _ in range(self.n_power_iterations):
                v[...] = _normalize(W_mat.T @ u, self.eps)  # v <- W^T u / ||W^T u||
                u[...] = _normalize(W_mat @ v, self.eps)    # u <- W v / ||W v||
        # sigma = u^T W v = sum_ij W_ij u_i v_j, with u and v constants: d sigma/dW = u v^T
        sigma = (self.matrix(W) * (u[:, None] * v[None, :])).sum()
        return W / sigma

    def __call__(self, module):
        """Set the module's ``name`` for the coming forward: power iteration only in training mode."""
        setattr(module, self.name, self.compute_weight(module, module.training))


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectrally normalise ``module``'s ``name`` parameter, as ``torch.nn.utils.spectral_norm``.

    The parameter becomes ``name + "_orig"`` (what the optimizer updates), u and v become
    buffers ``name + "_u"`` (h,) and ``name + "_v"`` (w,), drawn from N(0, 1) and normalised,
    and before every forward ``module.<name>`` is recomputed as ``name_orig / sigma``, with
    ``n_power_iterations`` steps of power iteration first in training mode. The names match
    PyTorch's, so a ``state_dict`` loads in either.

    Args:
        module: a layer with a weight (Linear, Conv2d, ConvTranspose2d, Embedding).
        name: the parameter to normalise.
        n_power_iterations: power-iteration steps per training forward, >= 1.
        eps: the smallest norm divided by in the power iteration.
        dim: the output dimension of the weight; None: 1 for ConvTranspose2d, else 0.

    Returns:
        ``module``, changed in place. (PyTorch recomputes the weight in a forward pre-hook;
        minigan's modules have no hooks, so this module's ``forward`` is wrapped instead.)
    """
    if not isinstance(module, Module) or not isinstance(module._parameters.get(name), Parameter):
        raise ValueError(f"spectral_norm: {type(module).__name__} has no parameter {name!r}")
    if isinstance(n_power_iterations, bool) or not isinstance(n_power_iterations, int) or n_power_iterations < 1:
        raise ValueError(f"spectral_norm: n_power_iterations must be a positive int, got {n_power_iterations!r}")
    weight = module._parameters[name]
    if dim is None:
        dim = 1 if isinstance(module, ConvTranspose2d) else 0
    fn = SpectralNorm(name, n_power_iterations, dim, eps)
    h, w = fn.matrix(weight.data).shape
    rng = backend.rng(backend.get_array_module(weight.data))  # on the weight's backend, as the fillers
    delattr(module, name)
    setattr(module, name + "_orig", weight)
    module.register_buffer(name + "_u", _normalize(rng.standard_normal(h, dtype=weight.dtype), eps))
    module.register_buffer(name + "_v", _normalize(rng.standard_normal(w, dtype=weight.dtype), eps))
    with no_grad():  # a value to read until the first forward recomputes it (with its graph)
        setattr(module, name, fn.compute_weight(module, do_power_iteration=False))
    forward = module.forward

    def normalised_forward(*args, **kwargs):
        fn(module)
        return forward(*args, **kwargs)

    normalised_forward.__doc__ = forward.__doc__
    module.forward = normalised_forward
    return module
