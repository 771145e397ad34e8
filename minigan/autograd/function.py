"""``Function``: an operation in the computation graph, with a hand-written derivative."""

import weakref

from minigan import backend
from minigan.autograd import grad_mode, trace
from minigan.autograd.tensor import Tensor


class Function:
    """An operation with a hand-written derivative.

    Subclasses implement:

    * ``forward(*xs)`` on raw arrays, returning one array; values the backward needs are
      kept on ``self``;
    * ``backward(gy)``, given the gradient ``Tensor`` of the output, returning one gradient
      ``Tensor`` (or ``None``) per input. It is written with minigan's own differentiable
      operations, so when the engine runs it with gradients enabled
      (``create_graph=True``) the backward pass is itself recorded and can be
      differentiated again. ``self.needs_input_grad`` says which inputs need a gradient.

    Calling a Function converts Python scalars and arrays among its inputs to arrays of the
    first tensor input's dtype and backend, checks that tensor inputs share one dtype and
    one backend, runs ``forward`` and, when any input requires grad, records the graph.
    """

    generation = 0
    needs_input_grad = ()

    def __call__(self, *inputs):
        inputs, xs = self._as_tensors(inputs)
        backend.get_array_module(*xs)  # raises on a NumPy/CuPy mix
        y = Tensor._of(self.forward(*xs))
        needs = tuple([t.requires_grad for t in inputs]) if grad_mode.is_grad_enabled() else ()
        if any(needs):
            self.inputs = inputs
            self.needs_input_grad = needs
            self.generation = max([t.generation for t in inputs])
            self.output = weakref.ref(y)  # weak: the output owns its creator, not the reverse
            y.creator, y.requires_grad, y.generation = self, True, self.generation + 1
        if trace.active:  # inside minigan.trace(): log this op (otherwise one list check)
            trace.record_forward(self, inputs, y)
        return y

    def _as_tensors(self, inputs):
        # the inputs as tensors, and their arrays; plain loops and .data.dtype (not the dtype
        # property): this runs for every op
        like = None
        for t in inputs:
            if isinstance(t, Tensor):
                like = t
                break
        if like is None:
            raise TypeError(f"{self.name} needs at least one Tensor input")
        dtype = like.data.dtype
        tensors, xs = [], []
        for t in inputs:
            if not isinstance(t, Tensor):
                if dtype.kind != "f" and _is_float_constant(t):
                    # an integer tensor times 0.5 computes in float32, PyTorch's default dtype:
                    # the integers are converted, not the 0.5 (which would become 0)
                    return self._as_tensors([_as_float32(x) for x in inputs])
                # constants take the tensor's dtype, so a Python float never promotes float32
                xp = backend.get_array_module(like.data, t)
                t = Tensor._of(xp.asarray(t, dtype=dtype))
            elif t.data.dtype != dtype and "f" in (t.data.dtype.kind, dtype.kind):
                raise TypeError(
                    f"{self.name}: inputs have different dtypes ({dtype} and {t.data.dtype}); "
                    "convert one with .astype(...) so that float64 does not creep into a float32 model"
                )
            tensors.append(t)
            xs.append(t.data)
        return tensors, xs

    @property
    def name(self):
        """The op's name, for error messages and traces."""
        return type(self).__name__

    def forward(self, *xs):
        """Compute the output array from the input arrays."""
        raise NotImplementedError

    def backward(self, gy):
        """Return the gradients of the inputs given ``gy``, the gradient of the output."""
        raise NotImplementedError


def _is_float_constant(value):
    """Whether the constant ``value`` (not a Tensor) is a floating-point number or array."""
    return isinstance(value, float) or getattr(getattr(value, "dtype", None), "kind", "") == "f"


def _as_float32(value):
    """An integer (or boolean) Tensor as a float32 one; anything else as it is."""
    if isinstance(value, Tensor) and value.data.dtype.kind != "f":
        return Tensor._of(value.data.astype(backend.get_array_module(value.data).float32))
    return value
