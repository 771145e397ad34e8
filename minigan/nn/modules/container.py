"""``Sequential``: modules applied one after the other."""

from minigan.nn.modules.module import Module


class Sequential(Module):
    """A chain of modules: ``Sequential(a, b, c)(x) = c(b(a(x)))``.

    The modules are registered as children named ``"0"``, ``"1"``, ... so their parameters
    are named ``"0.weight"``, and so on, as in PyTorch. Supports ``len``, iteration,
    ``model[i]`` (negative too) and ``model[i:j]`` (a new Sequential sharing the modules).
    """

    def __init__(self, *modules):
        super().__init__()
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential: argument {i} is a {type(module).__name__}, not a Module")
            setattr(self, str(i), module)

    def forward(self, x):
        """Feed x through every module in order."""
        for module in self:
            x = module(x)
        return x

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        if not -len(modules) <= index < len(modules):
            raise IndexError(f"index {index} is out of range for a Sequential of {len(modules)} modules")
        return modules[index]
