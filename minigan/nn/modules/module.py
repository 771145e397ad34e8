"""``Module``, the base of every layer and model, and ``Parameter``, a tensor it learns.

A module holds state; the math lives in ``minigan.nn.functional``. Assigning an attribute
registers it by its type, as in PyTorch:

* a ``Parameter`` (``self.weight = Parameter(...)``) is learned: ``parameters()`` hands it
  to the optimizer;
* a ``Module`` (``self.fc = Linear(...)``) is a child: its parameters are the parent's too,
  under dotted names (``"fc.weight"``);
* a buffer (``self.register_buffer("running_mean", array)``) is a raw array that is saved
  and cast with the model but not learned (BatchNorm's running statistics).
"""

import numbers
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from minigan import backend
from minigan.autograd import Tensor


class Parameter(Tensor):
    """A ``Tensor`` that a ``Module`` learns: ``requires_grad`` is True by default.

    Args:
        data: a backend array (kept as is, with its dtype and backend) or array-like data.
        requires_grad: False freezes the parameter.
    """

    def __init__(self, data, requires_grad=True):
        super().__init__(data.data if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """The base class of layers and models: subclasses call ``super().__init__()`` and
    define ``forward``; calling the module calls ``forward``.

    Attributes:
        training: True in training mode (the default), False after ``eval()``. Layers
            that behave differently (BatchNorm) read it.
    """

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these three stores to exist
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        self.training = True

    def forward(self, *args, **kwargs):
        """The computation of the module; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------ registration
    def _stores(self):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() in __init__ before assigning "
                "attributes, so that parameters and sub-modules can be registered"
            )
        return self._parameters, self._buffers, self._modules

    def __setattr__(self, name, value):
        params, buffers, modules = self._stores()
        if isinstance(value, (Parameter, Module)):
            self._forget(name)
            (params if isinstance(value, Parameter) else modules)[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to parameter {name!r} "
                                f"of {type(self).__name__}: a Parameter or None is expected")
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} to sub-module {name!r} "
                                f"of {type(self).__name__}: a Module or None is expected")
            modules[name] = None
        elif name in buffers:
            buffers[name] = _as_buffer(name, value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # only called when ordinary lookup fails: look in the three stores
        for store in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(store, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        if not self._forget(name):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _forget(self, name):
        """Remove ``name`` from every store and from the plain attributes; True if it was there."""
        stores = (*self._stores(), self.__dict__)
        found = any(name in store for store in stores)
        for store in stores:
            store.pop(name, None)
        return found

    def register_buffer(self, name, array):
        """Register ``array`` (a raw backend array) as a buffer: saved and cast, not learned."""
        if name in self.__dict__ or name in self._parameters or name in self._modules:
            raise KeyError(f"{type(self).__name__} already has an attribute {name!r}")
        self._stores()[1][name] = _as_buffer(name, array)

    # ------------------------------------------------------------ traversal
    def named_modules(self, prefix=""):
        """``(name, module)`` for this module (name ``prefix``) and every descendant, each once."""
        seen, stack = set(), [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(children))  # reversed: the first child is visited first

    def modules(self):
        """This module and every descendant, each once."""
        return (m for _, m in self.named_modules())

    def named_children(self):
        """``(name, module)`` for the direct sub-modules, in registration order."""
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self):
        """The direct sub-modules, in registration order."""
        return (m for _, m in self.named_children())

    def _named_members(self, store, recurse):
        """``(dotted name, value)`` of one store over this module (and its descendants)."""
        modules = self.named_modules() if recurse else [("", self)]
        for prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is not None:
                    yield (f"{prefix}.{name}" if prefix else name), value

    def named_parameters(self, recurse=True):
        """``(dotted name, Parameter)`` in registration order; a shared parameter appears once."""
        seen = set()
        for name, p in self._named_members("_parameters", recurse):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def parameters(self, recurse=True):
        """The parameters, for an optimizer: ``Adam(model.parameters())``."""
        return (p for _, p in self.named_parameters(recurse))

    def named_buffers(self, recurse=True):
        """``(dotted name, array)`` for every buffer, in registration order."""
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        """The buffers (raw arrays)."""
        return (b for _, b in self.named_buffers(recurse))

    # ------------------------------------------------------------ modes and gradients
    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode on every module; returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode) expects a bool, got {type(mode).__name__}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self):
        """Set evaluation mode (BatchNorm uses its running statistics); returns self."""
        return self.train(False)

    def zero_grad(self):
        """Forget every parameter's gradient (``grad = None``), before the next backward."""
        for p in self.parameters():
            p.grad = None

    # ------------------------------------------------------------ saving and loading
    def _state_entries(self):
        """``(dotted name, array)`` of each parameter's data and each buffer: per module,
        parameters then buffers, as PyTorch's ``state_dict`` orders them."""
        for prefix, module in self.named_modules():
            for name, p in module._parameters.items():
                if p is not None:
                    yield (f"{prefix}.{name}" if prefix else name), p.data
            for name, b in module._buffers.items():
                yield (f"{prefix}.{name}" if prefix else name), b

    def state_dict(self, keep_vars=False):
        """An ``OrderedDict`` from dotted name to a copy of each parameter's data and buffer.

        ``keep_vars=True`` gives the live arrays instead of copies, to update them in place.
        """
        return OrderedDict((name, a if keep_vars else a.copy()) for name, a in self._state_entries())

    def load_state_dict(self, state, strict=True):
        """Copy the arrays of ``state`` (a ``state_dict``, or any mapping such as a loaded
        ``.npz``) into the parameters and buffers, in place, cast to their dtypes.

        Raises ``ValueError`` naming every missing and unexpected name (only with ``strict``),
        every value that is not numbers (``None``, text, an object array) and every shape that
        does not match, before anything is copied: a failed load changes nothing.
        Returns ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"{type(self).__name__}.load_state_dict expects a mapping from names to arrays, "
                            f"got {type(state).__name__}")
        targets = OrderedDict(self._state_entries())
        missing = [name for name in targets if name not in state]
        unexpected = [name for name in state if name not in targets]
        values = {name: backend.to_numpy(_raw(state[name])) for name in targets if name in state}
        not_numbers = [f"{name!r} holds {v.dtype} values" for name, v in values.items() if v.dtype.kind not in "biuf"]
        wrong = [f"{name!r}: expected {tuple(targets[name].shape)}, received {tuple(v.shape)}"
                 for name, v in values.items() if v.shape != targets[name].shape]
        problems = [] if not strict else [
            f"missing keys: {', '.join(map(repr, missing))}" if missing else "",
            f"unexpected keys: {', '.join(map(repr, unexpected))}" if unexpected else "",
        ]
        problems = [p for p in problems if p] + ([f"not numbers: {'; '.join(not_numbers)}"] if not_numbers else [])
        problems += [f"wrong shapes: {'; '.join(wrong)}"] if wrong else []
        if problems:
            raise ValueError(f"error(s) in loading state_dict for {type(self).__name__}: " + "; ".join(problems))
        # every value converted before the first is copied: a failure leaves the module as it was
        converted = {name: backend.get_array_module(targets[name]).asarray(value, dtype=targets[name].dtype)
                     for name, value in values.items()}
        for name, value in converted.items():
            targets[name][...] = value
        return IncompatibleKeys(missing, unexpected)

    def to(self, dtype):
        """Cast every parameter (and its gradient) and buffer to the floating ``dtype``; returns self."""
        dtype = backend.xp().dtype(dtype)
        if dtype.name not in ("float32", "float64"):  # as new_parameter: the generators draw no other
            raise TypeError(f"{type(self).__name__}.to expects float32 or float64, got {dtype}")
        for module in self.modules():
            for p in module._parameters.values():
                if p is not None:
                    p.data = p.data.astype(dtype, copy=False)
                    if p.grad is not None:
                        p.grad = Tensor(p.grad.data.astype(dtype, copy=False))
            for name, b in module._buffers.items():
                module._buffers[name] = b.astype(dtype, copy=False)
        return self

    # ------------------------------------------------------------ printing and input checks
    def extra_repr(self):
        """The settings shown between the parentheses of ``repr``; layers override it."""
        return ""

    def __repr__(self):
        lines = [self.extra_repr()] if self.extra_repr() else []
        lines += [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self.named_children()]
        if not self._modules:
            return f"{type(self).__name__}({''.join(lines)})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

    def _check_input(self, x, expected, fits, dtype=None):
        """Raise a clear error unless ``x`` is a Tensor whose shape ``fits`` and whose dtype
        is ``dtype`` (the parameters' dtype; None skips the check).

        ``expected`` describes the accepted shape in words, e.g. ``"(N, 3, H, W)"``.
        """
        if not isinstance(x, Tensor):
            raise TypeError(f"{self!r} expects a Tensor, got {type(x).__name__}; "
                            "wrap arrays with minigan.Tensor(...)")
        if not fits(x.shape):
            raise ValueError(f"{self!r} expects input of shape {expected}, received {x.shape}")
        if dtype is not None and x.dtype != dtype:
            raise TypeError(
                f"{self!r} has {dtype} parameters but received a {x.dtype} input; convert the "
                f"input with x.astype('{dtype}') or the model with model.to('{x.dtype}')"
            )


def check_positive_int(layer, **values):
    """Raise ``ValueError`` naming ``layer`` unless every value is a positive int."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
            raise ValueError(f"{layer}: {name} must be a positive integer, got {value!r}")


def new_parameter(layer, shape, dtype):
    """An uninitialised Parameter of ``shape`` on the selected backend, for ``layer`` to fill.

    Only float32 and float64 are allowed: the random generators draw in no other dtype.
    """
    if str(dtype) not in ("float32", "float64"):
        raise TypeError(f"{layer}: dtype must be float32 or float64, got {dtype!r}")
    return Parameter(backend.xp().empty(shape, dtype=dtype))


def _raw(value):
    """The raw array behind a Tensor, or ``value`` itself."""
    return value.data if isinstance(value, Tensor) else value


def _as_buffer(name, array):
    """Check that a buffer is a raw backend array (not a Tensor: buffers are not learned)."""
    if isinstance(array, Tensor) or not (hasattr(array, "dtype") and hasattr(array, "shape")):
        raise TypeError(f"buffer {name!r} must be a raw NumPy/CuPy array, got {type(array).__name__}")
    return array
