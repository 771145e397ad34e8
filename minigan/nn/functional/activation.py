"""Elementwise activations. Each keeps only what its backward needs.

ReLU and LeakyReLU multiply by a constant slope (1 or ``a``), so their second derivative is
exactly zero away from the kink at 0. Tanh, Sigmoid and ELU write their derivative with their
own output ``y``, which is itself a differentiable function of ``x``.
"""

from minigan import backend
from minigan.autograd import Function, where


class ReLU(Function):
    """y = max(x, 0)."""

    def forward(self, x):
        xp = backend.get_array_module(x)
        # max(x, 0) against an array of zeros, not the scalar 0: NumPy's maximum of two arrays
        # is about twice as fast, zero-filling included, and gives the same bits
        zeros = xp.zeros_like(x)
        return xp.maximum(x, zeros, out=zeros)

    def backward(self, gy):
        (x,) = self.inputs
        slope = (x.data > 0).astype(gy.dtype)  # dy/dx: 1 where x > 0, else 0 (built only when needed)
        return gy * slope  # dL/dx = dL/dy * 1[x > 0]


class LeakyReLU(Function):
    """y = x for x > 0, ``a * x`` otherwise."""

    def __init__(self, negative_slope):
        self.a = negative_slope

    def forward(self, x):
        xp = backend.get_array_module(x)
        # no boolean-mask assignment (a copy and a scatter): max(x, a x) for a <= 1, min for a > 1,
        # written into the a x temporary rather than into a second new array
        y = self.a * x
        return (xp.maximum if self.a <= 1 else xp.minimum)(x, y, out=y)

    def backward(self, gy):
        (x,) = self.inputs
        positive = (x.data > 0).astype(gy.dtype)
        # dy/dx = positive + a (1 - positive): 1 where x > 0, a elsewhere, exactly; three in-place
        # ufuncs, since xp.where with two scalars is about ten times slower on NumPy
        slope = 1 - positive
        slope *= self.a
        slope += positive
        return gy * slope  # dL/dx = dL/dy * (1 if x > 0 else a)


class ELU(Function):
    """y = x for x > 0, ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        xp = backend.get_array_module(x)
        # expm1 of min(x, 0): the exponential of a large positive x, which where() would
        # discard, is never computed (it would overflow)
        return xp.where(x > 0, x, self.alpha * xp.expm1(xp.minimum(x, 0)))

    def backward(self, gy):
        (x,) = self.inputs
        y = self.output()
        # dy/dx = 1 for x > 0, alpha e^x = y + alpha otherwise: written with y, differentiable again
        return gy * where(x.data > 0, 1.0, y + self.alpha)


class Tanh(Function):
    """y = tanh(x)."""

    def forward(self, x):
        return backend.get_array_module(x).tanh(x)

    def backward(self, gy):
        y = self.output()
        return gy * (1 - y * y)  # dy/dx = 1 - tanh(x)^2 = 1 - y^2


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)), computed as exp(-softplus(-x)) so no exp overflows."""

    def forward(self, x):
        xp = backend.get_array_module(x)
        return xp.exp(-xp.logaddexp(0, -x))  # logaddexp(0, -x) = log(1 + e^-x), stable for any x

    def backward(self, gy):
        y = self.output()
        return gy * y * (1 - y)  # dy/dx = sigmoid(x) (1 - sigmoid(x)) = y (1 - y)


class Softplus(Function):
    """y = log(1 + exp(x)), exact and finite for any x."""

    def forward(self, x):
        return backend.get_array_module(x).logaddexp(0, x)  # max(x, 0) + log1p(exp(-|x|)) inside

    def backward(self, gy):
        (x,) = self.inputs
        return gy * sigmoid(x)  # d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x)


def relu(x):
    """max(x, 0), elementwise."""
    return ReLU()(x)


def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, else ``negative_slope * x`` (0.2 in DCGAN's discriminator)."""
    return LeakyReLU(negative_slope)(x)


def elu(x, alpha=1.0):
    """x where x > 0, else ``alpha * (exp(x) - 1)``: a smooth ReLU whose negative side
    saturates at -alpha (BEGAN's networks use it)."""
    return ELU(alpha)(x)


def tanh(x):
    """The hyperbolic tangent, elementwise (a generator's image output in [-1, 1])."""
    return Tanh()(x)


def sigmoid(x):
    """The logistic function 1 / (1 + e^-x), elementwise, without overflow."""
    return Sigmoid()(x)


def softplus(x):
    """log(1 + e^x), elementwise: the smooth ReLU that the GAN losses are written with."""
    return Softplus()(x)
