"""Check hand-written derivatives against finite differences.

For a function ``y = f(x)`` and a random upstream gradient ``gy``, the analytic gradient of
``L = sum(gy * f(x))`` is what the backward passes compute; the numeric one is the central
difference

    dL/dx_i ~ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),

whose error is O(eps^2), in float64. A random ``gy`` matters: with ``L = sum(f(x))`` some
wrong backwards still pass (BatchNorm's input gradient under a plain sum is identically
zero).
"""

import numpy

from minigan import backend
from minigan.autograd.engine import grad
from minigan.autograd.tensor import Tensor


class GradcheckError(AssertionError):
    """Analytic and numeric derivatives disagree."""


def _as_tuple(outputs):
    return tuple(outputs) if isinstance(outputs, (tuple, list)) else (outputs,)


def _random_like(t, rng):
    """A float64 standard-normal array of ``t``'s shape, on ``t``'s backend."""
    xp = backend.get_array_module(t.data)
    return xp.asarray(rng.standard_normal(t.shape))


def _weighted_sum(outputs, gys):
    """L = sum_k sum(gy_k * y_k), as a Python float."""
    return float(sum(backend.to_numpy((y.data * gy).sum()) for y, gy in zip(outputs, gys)))


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Compare the backward pass of ``fn`` with central differences; raise on disagreement.

    Args:
        fn: a function of the tensors in ``inputs`` returning a Tensor or a tuple of them.
        inputs: the tensors to call ``fn`` with; those with ``requires_grad`` are checked.
            They must be float64. Their data is perturbed in place and restored.
        eps: the finite-difference step.
        atol, rtol: an element passes when ``|analytic - numeric| <= atol + rtol |numeric|``.
        seed: seeds the random upstream gradient (minigan's own generator is not touched).

    Returns ``True``; raises ``GradcheckError`` naming the input, the worst element's index
    and both values otherwise.
    """
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(f"gradcheck: input {i} is a {type(x).__name__}, not a Tensor")
        if x.requires_grad and x.dtype != numpy.float64:
            raise TypeError(f"gradcheck: input {i} has dtype {x.dtype}; finite differences need float64")
    checked = [i for i, x in enumerate(inputs) if x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")

    outputs = _as_tuple(fn(*inputs))
    rng = numpy.random.default_rng(seed)
    gys = [_random_like(y, rng) for y in outputs]
    grads = grad(list(outputs), [inputs[i] for i in checked],
                 [Tensor(g) for g in gys], allow_unused=True)

    for i, g in zip(checked, grads):
        x = inputs[i]
        analytic = numpy.zeros(x.shape) if g is None else backend.to_numpy(g.data)
        numeric = numpy.zeros(x.shape)
        if not x.data.flags.c_contiguous:
            x.data = x.data.copy()  # C order, so that reshape(-1) below is a view
        flat = x.data.reshape(-1)  # a view of the contiguous data: writing it perturbs the input
        # fn runs in the caller's grad mode: it may take gradients itself (a gradient penalty)
        for k in range(x.size):
            original = flat[k].item()
            flat[k] = original + eps
            plus = _weighted_sum(_as_tuple(fn(*inputs)), gys)
            flat[k] = original - eps
            minus = _weighted_sum(_as_tuple(fn(*inputs)), gys)
            flat[k] = original
            numeric.reshape(-1)[k] = (plus - minus) / (2 * eps)
        error = numpy.abs(analytic - numeric) - (atol + rtol * numpy.abs(numeric))
        if (error > 0).any() or not numpy.isfinite(analytic).all():
            worst = numpy.unravel_index(numpy.nanargmax(numpy.where(numpy.isfinite(error), error, numpy.inf)), x.shape)
            raise GradcheckError(
                f"gradient of input {i} (shape {x.shape}) is wrong at index {tuple(int(w) for w in worst)}: "
                f"analytic {analytic[worst]!r}, numeric {numeric[worst]!r}\n"
                f"analytic:\n{analytic}\nnumeric:\n{numeric}"
            )
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check the second derivatives of ``fn`` (its backward pass, differentiated again).

    The first derivatives ``g(x, gy) = grad(fn(x), x, gy, create_graph=True)`` are a
    function of the inputs and of the upstream gradient ``gy``; ``gradcheck`` checks that
    function's backward pass against central differences, for both. Arguments as in
    ``gradcheck``.
    """
    inputs = list(inputs)
    checked = [x for x in inputs if x.requires_grad]
    rng = numpy.random.default_rng(seed + 1)
    gys = [Tensor(_random_like(y, rng), requires_grad=True) for y in _as_tuple(fn(*inputs))]
    n = len(inputs)

    def first_derivatives(*args):
        xs, upstream = args[:n], list(args[n:])
        grads = grad(list(_as_tuple(fn(*xs))), [x for x in xs if x.requires_grad],
                     upstream, create_graph=True, allow_unused=True)
        # a gradient that does not depend on anything (fn linear in x) is a constant zero
        return tuple(Tensor(backend.get_array_module(x.data).zeros_like(x.data)) if g is None else g
                     for g, x in zip(grads, checked))

    return gradcheck(first_derivatives, inputs + gys, eps=eps, atol=atol, rtol=rtol, seed=seed)
