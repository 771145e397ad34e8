"""``Optimizer``: what SGD and Adam share: the parameter list, ``zero_grad``, ``step`` and
saving and restoring their state.

An update runs on raw arrays (``p.data``, ``p.grad.data``), outside the graph: it is not
something to differentiate. ``state_dict`` holds only numbers and arrays under flat
string keys, so that it can be saved in an ``.npz`` file without pickle.
"""

from numbers import Real

from minigan import backend
from minigan.autograd import Tensor


class Optimizer:
    """Base class of the optimizers.

    Args:
        params: an iterable of Parameters (e.g. ``model.parameters()``), kept as a list.
        lr: the learning rate; ``optimizer.lr`` is a plain attribute that may be changed
            between steps (a schedule).

    Subclasses list their float settings in ``hyperparameters`` and the entries of their
    per-parameter state in ``state_names`` (both saved by ``state_dict``), and implement
    ``update(p, g, state)``.
    """

    hyperparameters = ("lr",)  # the float settings that state_dict saves
    state_names = ()  # the names of the per-parameter state entries

    def __init__(self, params, lr):
        if isinstance(params, Tensor):
            raise TypeError(f"{self.name} expects an iterable of Parameters, got a single Tensor; "
                            "pass [p] or model.parameters()")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{self.name} got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{self.name}: parameter {i} is a {type(p).__name__}, not a Tensor")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{self.name}: a parameter appears more than once; it would be updated twice")
        self.lr = self._check("lr", lr)
        self.state = [{} for _ in self.params]  # per parameter: arrays and step counts, filled by update

    @property
    def name(self):
        """The optimizer's class name, for error messages."""
        return type(self).__name__

    def _check(self, name, value, low=0.0, high=float("inf"), high_open=False):
        """``value`` as a float, or a ValueError unless low <= value <= high (< high when open)."""
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"{self.name}: {name} must be a number, got {value!r}")
        if not (low <= value < high if high_open else low <= value <= high):
            interval = f"[{low}, {high})" if high_open else f">= {low}"
            raise ValueError(f"{self.name}: {name} must be {interval}, got {value!r}")
        return float(value)  # a Python float: it never promotes float32 arrays to float64

    def zero_grad(self):
        """Forget every parameter's gradient (``grad = None``), before the next backward."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place; those without one are skipped."""
        for p, state in zip(self.params, self.state):
            if p.grad is not None:
                self.update(p, p.grad.data, state)

    def update(self, p, g, state):
        """Update ``p.data`` in place from its gradient ``g`` (a raw array) and its ``state``."""
        raise NotImplementedError

    # ------------------------------------------------------------ saving and loading
    def state_dict(self):
        """A flat dict of numbers and arrays: the hyper-parameters by name, ``num_params``,
        and each parameter's state as ``"<index>.<name>"`` (e.g. ``"0.exp_avg"``)."""
        out = {name: float(getattr(self, name)) for name in self.hyperparameters}
        out["num_params"] = len(self.params)
        for i, state in enumerate(self.state):
            for key, value in state.items():
                out[f"{i}.{key}"] = value.copy() if hasattr(value, "shape") else value
        return out

    def load_state_dict(self, state):
        """Restore a ``state_dict`` (or a loaded ``.npz`` of one), after checking it fits.

        Raises ``ValueError`` listing every problem (missing settings, another number of
        parameters, unknown entries, arrays whose shapes differ from their parameter's)
        before anything is changed.
        """
        settings = (*self.hyperparameters, "num_params")
        problems = [f"missing {name!r}" for name in settings if name not in state]
        if "num_params" in state and int(state["num_params"]) != len(self.params):
            problems.append(f"it holds {int(state['num_params'])} parameters, "
                            f"this optimizer {len(self.params)}")
        per_param = [{} for _ in self.params]
        for key in state:
            if key in self.hyperparameters or key == "num_params":
                continue
            index, _, name = key.partition(".")
            if not (index.isdigit() and int(index) < len(self.params) and name in self.state_names):
                problems.append(f"unexpected entry {key!r}")
                continue
            p, value = self.params[int(index)], state[key]
            if name == "step":
                per_param[int(index)][name] = int(value)
                continue
            value = backend.to_numpy(value)
            if value.shape != p.shape:
                problems.append(f"{key!r} has shape {value.shape}, its parameter {p.shape}")
            # a copy: the update works in place and must not edit the caller's arrays
            per_param[int(index)][name] = backend.get_array_module(p.data).array(value, dtype=p.dtype)
        for i, entries in enumerate(per_param):
            if entries and set(entries) != set(self.state_names):  # all of a parameter's state, or none
                problems.append(f"parameter {i} has only {sorted(entries)} of {list(self.state_names)}")
        if problems:
            raise ValueError(f"cannot load this state into {self.name}: " + "; ".join(problems))
        for name in self.hyperparameters:
            setattr(self, name, float(state[name]))  # a loaded .npz holds 0-d arrays: back to floats
        self.state = per_param
