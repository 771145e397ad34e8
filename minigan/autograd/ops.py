"""Primitive differentiable operations, and the ``Tensor`` operators that call them.

Each backward is written with these same operations, so it is differentiable again
(``create_graph=True``). Notation: ``gy`` is dL/dy for the output ``y``, ``gx`` the
returned dL/dx; ``x0, x1`` are the inputs as tensors (``self.inputs``).

Broadcasting: when ``x0 + x1`` broadcasts ``x1`` from shape (3,) to (2, 3), each element of
``x1`` was used twice, so its gradient is the sum over the broadcast axis: ``sum_to``.
"""

import numbers

from minigan import backend
from minigan.autograd.function import Function
from minigan.autograd.tensor import Tensor


def _xp(*arrays):
    return backend.get_array_module(*arrays)


# ---------------------------------------------------------------- arithmetic

class Add(Function):
    """y = x0 + x1 (broadcasting)."""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to(gy, x0.shape), sum_to(gy, x1.shape)  # dy/dx0 = dy/dx1 = 1


class Sub(Function):
    """y = x0 - x1 (broadcasting)."""

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to(gy, x0.shape), sum_to(-gy, x1.shape)  # dy/dx0 = 1, dy/dx1 = -1


class Mul(Function):
    """y = x0 * x1 (elementwise, broadcasting)."""

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = sum_to(gy * x1, x0.shape) if need0 else None  # dy/dx0 = x1
        gx1 = sum_to(gy * x0, x1.shape) if need1 else None  # dy/dx1 = x0
        return gx0, gx1


class Div(Function):
    """y = x0 / x1 (elementwise, broadcasting)."""

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = sum_to(gy / x1, x0.shape) if need0 else None  # dy/dx0 = 1 / x1
        gx1 = sum_to(-gy * x0 / (x1 * x1), x1.shape) if need1 else None  # dy/dx1 = -x0 / x1^2
        return gx0, gx1


class Neg(Function):
    """y = -x."""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy  # dy/dx = -1


class Pow(Function):
    """y = x ** c for a constant number c."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        (x,) = self.inputs
        return gy * self.c * x ** (self.c - 1)  # dy/dx = c x^(c-1)


class Exp(Function):
    """y = exp(x)."""

    def forward(self, x):
        return _xp(x).exp(x)

    def backward(self, gy):
        return gy * self.output()  # dy/dx = exp(x) = y


class Log(Function):
    """y = log(x) (natural logarithm)."""

    def forward(self, x):
        return _xp(x).log(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy / x  # dy/dx = 1 / x


class Abs(Function):
    """y = |x|."""

    def forward(self, x):
        return _xp(x).abs(x)

    def backward(self, gy):
        (x,) = self.inputs
        return gy * _xp(x.data).sign(x.data)  # dy/dx = sign(x): -1, 1, and 0 at the kink (as PyTorch)


class Sqrt(Function):
    """y = sqrt(x)."""

    def forward(self, x):
        return _xp(x).sqrt(x)

    def backward(self, gy):
        return gy / (2 * self.output())  # dy/dx = 1 / (2 sqrt(x)) = 1 / (2 y)


class MatMul(Function):
    """y = x0 @ x1 for operands of 2 or more dimensions (leading dimensions broadcast)."""

    def forward(self, x0, x1):
        if x0.ndim < 2 or x1.ndim < 2:
            raise ValueError(
                f"matmul needs operands with at least 2 dimensions, got shapes {x0.shape} and "
                f"{x1.shape}; reshape a vector to (1, n) or (n, 1) first"
            )
        if x0.shape[-1] != x1.shape[-2]:
            raise ValueError(f"matmul: shapes {x0.shape} and {x1.shape} do not match (inner sizes "
                             f"{x0.shape[-1]} and {x1.shape[-2]})")
        if x0.shape[-1] == 1:  # inner size 1 (a critic's last layer, backwards): an outer product,
            return x0 * x1  # which a broadcast multiply computes several times faster than BLAS
        return x0 @ x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = sum_to(gy @ x1.mT, x0.shape) if need0 else None  # dL/dx0 = dL/dy x1^T
        gx1 = sum_to(x0.mT @ gy, x1.shape) if need1 else None  # dL/dx1 = x0^T dL/dy
        return gx0, gx1


class Cast(Function):
    """y = x converted to another floating dtype."""

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        (x,) = self.inputs
        return gy.astype(x.dtype)  # the identity, back in the input's precision


# ---------------------------------------------------------------- reductions and broadcasting

def _normalize_axis(axis, ndim):
    """``axis`` (None, int or tuple, possibly negative) as a sorted tuple of axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
    return tuple(sorted(a % ndim for a in axes))


def dim_index(dim, ndim, name, extra=0):
    """``dim`` (an int, negative counting from the end) as an index in [0, ndim + extra).

    ``extra=1`` admits one position past the last, where ``stack`` inserts a new dimension.
    Raises ``IndexError`` naming the op ``name`` and the valid range, as PyTorch does.
    """
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{name}: dim must be an int, got {type(dim).__name__}")
    size = ndim + extra
    if not -size <= dim < size:
        raise IndexError(f"{name}: dim {dim} is out of range for a tensor with {ndim} dimensions "
                         f"(expected a dim in [{-size}, {size - 1}])")
    return int(dim) % size


def dims_tuple(dim, ndim, name):
    """``dim`` (an int or a tuple of ints) as a sorted tuple of distinct indices in [0, ndim)."""
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    axes = tuple(sorted(dim_index(d, ndim, name) for d in dims))
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: dim {dim} names a dimension twice")
    return axes


def kept_shape(shape, axes):
    """``shape`` with the reduced ``axes`` kept as size 1: where a reduction's gradient broadcasts from."""
    return tuple(1 if a in axes else n for a, n in enumerate(shape))


class Sum(Function):
    """y = sum of x over ``axis`` (all axes when None)."""

    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.axes = _normalize_axis(self.axis, x.ndim)
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        (x,) = self.inputs
        # every summed element gets dL/dy: put the summed axes back as size 1, then broadcast
        return broadcast_to(gy.reshape(kept_shape(x.shape, self.axes)), x.shape)


class BroadcastTo(Function):
    """y = x repeated along new or size-1 axes to ``shape``."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        return _xp(x).broadcast_to(x, self.shape)

    def backward(self, gy):
        (x,) = self.inputs
        return sum_to(gy, x.shape)  # each copy sends its gradient back to the one original


class SumTo(Function):
    """y = x summed over the axes that broadcasting added or stretched, to ``shape``."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        lead = x.ndim - len(self.shape)
        stretched = tuple(lead + i for i, n in enumerate(self.shape) if n == 1 and x.shape[lead + i] != 1)
        y = x.sum(axis=tuple(range(lead)) + stretched, keepdims=True)
        return y.reshape(self.shape)

    def backward(self, gy):
        (x,) = self.inputs
        return broadcast_to(gy, x.shape)  # each summed element gets the sum's gradient


def sum_to(x, shape):
    """``x`` summed down to ``shape`` (the reverse of broadcasting); ``x`` itself if it fits."""
    return x if x.shape == tuple(shape) else SumTo(shape)(x)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``; ``x`` itself if it already has that shape."""
    return x if x.shape == tuple(shape) else BroadcastTo(shape)(x)


# ---------------------------------------------------------------- shape

class Reshape(Function):
    """y = x with a new shape (same elements in the same order).

    ``like``, when given, is an array of the new shape whose memory order y takes (copying
    where the order differs). The backward uses it to hand back a gradient laid out in
    memory as its input was: a convolution's output is batch-last in memory, and the
    gradient reaching it through a flatten would otherwise be batch-first, so that every
    elementwise op meeting the two (LeakyReLU's, BatchNorm's backward) strode across memory.
    """

    def __init__(self, shape, like=None):
        self.shape, self.like = shape, like

    def forward(self, x):
        try:
            y = x.reshape(self.shape)
        except ValueError:
            raise ValueError(f"cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                             f"to {self.shape}") from None
        if self.like is None or y.strides == self.like.strides:
            return y
        out = _xp(x).empty_like(self.like)  # empty_like keeps the order of ``like``'s axes in memory
        out[...] = y
        return out

    def backward(self, gy):
        (x,) = self.inputs
        return Reshape(x.shape, like=x.data)(gy)  # the input's shape back, in the input's memory order


class Transpose(Function):
    """y = x with its axes permuted (reversed when ``axes`` is None)."""

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        if self.axes is not None:
            self.axes = tuple(a % x.ndim for a in self.axes)  # -1 -> ndim - 1: the inverse sorts them
        return x.transpose(self.axes)

    def backward(self, gy):
        if self.axes is None:
            return gy.transpose()
        inverse = tuple(sorted(range(len(self.axes)), key=lambda i: self.axes[i]))
        return gy.transpose(*inverse)  # the inverse permutation puts each axis back


def _is_basic(index):
    """Whether ``index`` holds only integers, slices, ``None`` and ``...`` (no arrays)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, slice, type(None), type(Ellipsis))) for i in parts)


class GetItem(Function):
    """y = x[index] (slices, integers, integer arrays)."""

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        return x[self.index]

    def backward(self, gy):
        (x,) = self.inputs
        return GetItemGrad(self.index, x.shape)(gy)  # scatter gy back to where it was read


class GetItemGrad(Function):
    """y = zeros of ``shape`` with ``gy`` added at ``index``: the adjoint of ``x[index]``."""

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, gy):
        xp = _xp(gy)
        gx = xp.zeros(self.shape, dtype=gy.dtype)
        if _is_basic(self.index):
            gx[self.index] = gy  # slices and integers read each element at most once
        else:
            xp.add.at(gx, self.index, gy)  # add.at, not =: an element read twice gets both gradients
        return gx

    def backward(self, ggx):
        return ggx[self.index]  # linear in gy: its adjoint is reading at index again


# ---------------------------------------------------------------- functions and Tensor methods

def add(x0, x1):
    """x0 + x1, broadcasting."""
    return Add()(x0, x1)


def sub(x0, x1):
    """x0 - x1, broadcasting."""
    return Sub()(x0, x1)


def mul(x0, x1):
    """x0 * x1 elementwise, broadcasting."""
    return Mul()(x0, x1)


def div(x0, x1):
    """x0 / x1 elementwise, broadcasting."""
    return Div()(x0, x1)


def neg(x):
    """-x."""
    return Neg()(x)


def pow(x, c):
    """x ** c for a number c."""
    if not isinstance(c, numbers.Real):
        raise TypeError(f"x ** y needs a number as the exponent, got {type(c).__name__}; "
                        "for a tensor exponent write (y * x.log()).exp()")
    return Pow(float(c))(x)  # a Python float: a NumPy float64 exponent would promote float32


def matmul(x0, x1):
    """x0 @ x1 for operands of at least 2 dimensions."""
    return MatMul()(x0, x1)


def exp(x):
    """Elementwise e ** x."""
    return Exp()(x)


def log(x):
    """Elementwise natural logarithm."""
    return Log()(x)


def abs(x):
    """Elementwise absolute value |x|."""
    return Abs()(x)


def sqrt(x):
    """Elementwise square root."""
    return Sqrt()(x)


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (an int, a tuple, or None for all axes)."""
    return Sum(axis, keepdims)(x)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``: the sum divided by the number of elements summed (NaN over none, as
    in PyTorch and NumPy)."""
    n = 1
    for a in _normalize_axis(axis, x.ndim):
        n *= x.shape[a]
    scale = 1.0 / n if n else float("nan")  # the mean of no numbers is undefined
    return Sum(axis, keepdims)(x) * scale  # mean = sum / n, so its gradient is gy / n


def reshape(x, *shape):
    """``x`` with a new shape, given as a tuple or as separate sizes (-1 infers one)."""
    shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    return x if shape == x.shape else Reshape(shape)(x)


def transpose(x, *axes):
    """``x`` with its axes permuted: all reversed by default, or in the order given."""
    axes = tuple(axes[0]) if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
    return Transpose(axes or None)(x)


def astype(x, dtype):
    """``x`` converted to ``dtype`` (differentiable; ``x`` itself when already of it)."""
    dtype = _xp(x.data).dtype(dtype)
    if dtype.kind != "f" and x.requires_grad:
        raise TypeError(f"astype({dtype}) of a tensor that requires grad: only floating dtypes carry "
                        "gradients; call .detach() first to get integers")
    return x if dtype == x.dtype else Cast(dtype)(x)


def getitem(x, index):
    """``x[index]`` with NumPy indexing (slices, integers, integer arrays or tensors)."""
    if isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
    elif isinstance(index, Tensor):
        index = index.data
    return GetItem(index)(x)


def _swap(f):
    """``f`` with its two arguments swapped, for the reflected operators (``2 - x``)."""
    return lambda x, other: f(other, x)


Tensor.__add__ = Tensor.__radd__ = add
Tensor.__sub__, Tensor.__rsub__ = sub, _swap(sub)
Tensor.__mul__ = Tensor.__rmul__ = mul
Tensor.__truediv__, Tensor.__rtruediv__ = div, _swap(div)
Tensor.__neg__ = neg
Tensor.__pow__ = pow
Tensor.__matmul__, Tensor.__rmatmul__ = matmul, _swap(matmul)
Tensor.__getitem__ = getitem
Tensor.exp, Tensor.log, Tensor.abs, Tensor.sqrt = exp, log, abs, sqrt
Tensor.sum, Tensor.mean = sum, mean
Tensor.reshape, Tensor.transpose, Tensor.astype = reshape, transpose, astype
Tensor.T = property(transpose, doc="``x`` with its axes reversed.")
Tensor.mT = property(lambda x: x.transpose(*range(x.ndim - 2), x.ndim - 1, x.ndim - 2),
                     doc="``x`` with its last two axes swapped (the matrix transpose of a batch).")
