"""``Tensor``: a value in the computation graph.

A ``Tensor`` wraps a raw backend array (``.data``). When a ``Function``
(``minigan.autograd.function``) is applied to tensors while gradients are enabled, it
becomes the ``creator`` of its outputs; following ``creator`` links backwards from a loss
gives the whole graph, which ``minigan.autograd.engine`` walks in reverse.

Arithmetic operators (``+ - * / ** @``, ``sum``, ``reshape``, ...) are attached to ``Tensor``
in ``minigan.autograd.ops``, next to the ``Function`` that each one calls, so that every
forward sits right above its backward.
"""

from minigan import backend
from minigan.autograd import engine


class Tensor:
    """A backend array that can take part in automatic differentiation.

    Args:
        data: an array, nested lists or a scalar. Python data becomes ``float32`` unless
            ``dtype`` says otherwise; NumPy/CuPy arrays keep their dtype and backend.
        requires_grad: whether gradients with respect to this tensor are wanted.
        dtype: optional dtype to convert ``data`` to.

    Attributes:
        data: the raw array (``numpy.ndarray`` or ``cupy.ndarray``).
        grad: a ``Tensor`` of the same shape, or ``None`` until a backward pass reaches it.
        creator: the ``Function`` that produced this tensor (``None`` for a leaf).
    """

    # ``ndarray + Tensor``: NumPy and CuPy both see __array_ufunc__ = None as "this type handles
    # the operator itself" (NEP 13) and defer to ``Tensor.__radd__``. (__array_priority__ does
    # not do it on CuPy: it defers only to a priority above its own 100, and NumPy ignores it.)
    __array_ufunc__ = None
    # every tensor starts with these, as class defaults, so that an op's result (``_of``) sets only
    # ``data``; generation (1 + the creator's) orders the reverse pass
    requires_grad, grad, creator, generation = False, None, None, 0

    def __init__(self, data, requires_grad=False, dtype=None):
        if isinstance(data, Tensor):
            raise TypeError("Tensor(data) got a Tensor; use .detach() or .data to copy one")
        is_array = hasattr(data, "dtype") and hasattr(data, "shape")
        if not is_array:
            if _holds_no_numbers(data):
                raise TypeError(f"Tensor data must be numeric, got {data!r:.60}")
            if dtype is None:
                dtype = "float32"  # Python numbers become float32, as in PyTorch
        try:
            self.data = backend.asarray(data, dtype)
        except (TypeError, ValueError) as err:
            raise TypeError(f"Tensor data must be numeric array-like, got {type(data).__name__}: {err}") from None
        if self.data.dtype.kind not in "fiub":
            raise TypeError(f"Tensor data must be numeric, got dtype {self.data.dtype}")
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)

    @classmethod
    def _of(cls, array):
        """A tensor around an op's result, without ``__init__``'s checks (the op's inputs were
        checked): a training step makes hundreds of these."""
        t = cls.__new__(cls)
        t.data = backend.asarray(array)  # asarray: a reduction may return a NumPy scalar
        return t

    # ------------------------------------------------------------ array facts
    @property
    def shape(self):
        """The shape of ``data``."""
        return self.data.shape

    @property
    def ndim(self):
        """The number of dimensions of ``data``."""
        return self.data.ndim

    @property
    def size(self):
        """The number of elements of ``data``."""
        return self.data.size

    @property
    def dtype(self):
        """The dtype of ``data``."""
        return self.data.dtype

    @property
    def is_leaf(self):
        """True for tensors made by the user (no creator): ``backward`` fills their ``.grad``."""
        return self.creator is None

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = repr(backend.to_numpy(self.data)).replace("array", "tensor", 1)
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"{body[:-1]}{grad})"

    def item(self):
        """The value of a one-element tensor as a Python number (a host-device sync on CuPy)."""
        if self.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def numpy(self):
        """The data as a NumPy array (copied from the GPU on CuPy)."""
        return backend.to_numpy(self.data)

    # ------------------------------------------------------------ graph
    def detach(self):
        """A new leaf tensor sharing ``data`` and cut off from the graph (no gradient flows back)."""
        return Tensor(self.data)

    def requires_grad_(self, mode=True):
        """Set ``requires_grad`` in place on a leaf tensor and return it."""
        if not self.is_leaf:
            raise RuntimeError("requires_grad_ can only change leaf tensors; use detach() first")
        if mode and self.data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require gradients, got dtype {self.dtype}")
        self.requires_grad = bool(mode)
        return self

    def backward(self, grad=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        Args:
            grad: the upstream gradient, same shape (and, for a Tensor, dtype) as ``self``;
                may be omitted for a one-element tensor (a loss), where it is 1.
            create_graph: record the backward pass itself, so that the gradients can be
                differentiated again (second derivatives, gradient penalties).
        """
        engine.backward([self], [grad], create_graph=create_graph)

    def _as_grad(self, grad):
        """``grad`` checked as an upstream gradient for this tensor (the engine's seed)."""
        if grad is None:
            if self.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a one-element output, got shape "
                    f"{self.shape}; pass grad= of that shape"
                )
            return Tensor(backend.get_array_module(self.data).ones_like(self.data))
        if not isinstance(grad, Tensor):
            grad = Tensor(backend.asarray(grad, self.dtype))
        if grad.dtype != self.dtype:  # the first op of the reverse pass would refuse the mix, deep inside
            raise TypeError(f"gradient of dtype {grad.dtype} given for an output of dtype {self.dtype}; "
                            f"convert it with .astype('{self.dtype}')")
        if grad.shape != self.shape:
            raise ValueError(f"gradient of shape {grad.shape} given for an output of shape {self.shape}")
        return grad


def _holds_no_numbers(data):
    """Whether Python ``data`` holds something other than numbers: ``None`` (or a list holding one),
    which a conversion to float would turn into NaN, or text, which it would parse."""
    try:
        return backend.to_numpy(data).dtype.kind not in "fiub"
    except (TypeError, ValueError):  # a ragged list, say: the conversion in __init__ names it
        return False
