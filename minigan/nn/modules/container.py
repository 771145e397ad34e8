"""``Sequential`` (modules applied one after the other) and ``ModuleList`` (modules held in a list)."""

from minigan.nn.modules.module import Module


class _Indexed(Module):
    """Sub-modules named ``"0"``, ``"1"``, ... (parameters ``"0.weight"``, as in PyTorch), with
    ``len``, iteration, ``m[i]`` (negative too) and ``m[i:j]`` (a new container sharing the modules)."""

    def _add(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}: argument {len(self)} is a {type(module).__name__}, "
                            "not a Module")
        setattr(self, str(len(self)), module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return type(self)._of(modules[index])
        if not -len(modules) <= index < len(modules):
            raise IndexError(f"index {index} is out of range for a {type(self).__name__} of "
                             f"{len(modules)} modules")
        return modules[index]


class Sequential(_Indexed):
    """A chain of modules: ``Sequential(a, b, c)(x) = c(b(a(x)))``.

    The modules are registered as children named ``"0"``, ``"1"``, ... so their parameters
    are named ``"0.weight"``, and so on, as in PyTorch. Supports ``len``, iteration,
    ``model[i]`` (negative too) and ``model[i:j]`` (a new Sequential sharing the modules).
    """

    def __init__(self, *modules):
        super().__init__()
        for module in modules:
            self._add(module)

    @classmethod
    def _of(cls, modules):
        return cls(*modules)

    def forward(self, x):
        """Feed x through every module in order."""
        for module in self:
            x = module(x)
        return x


class ModuleList(_Indexed):
    """A list of modules whose parameters belong to the module that holds it.

    A plain Python list of layers hides their parameters from ``parameters()`` and
    ``state_dict()``; a ModuleList registers them, named ``"0.weight"``, ``"1.weight"``, ...
    as in PyTorch. It has no ``forward``: the holder decides how to call its modules.

    Args:
        modules: an iterable of modules, or None for an empty list.
    """

    def __init__(self, modules=None):
        super().__init__()
        self.extend(modules or [])

    @classmethod
    def _of(cls, modules):
        return cls(modules)

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self._add(module)
        return self

    def extend(self, modules):
        """Add every module of ``modules`` at the end; returns self."""
        for module in modules:
            self._add(module)
        return self
