"""``Optimizer``: what SGD and Adam share: the parameter list, ``zero_grad``, ``step`` and
saving and restoring their state.

An update runs on raw arrays (``p.data``, ``p.grad.data``), outside the graph: it is not
something to differentiate. ``state_dict`` holds only numbers and arrays under flat
string keys, so that it can be saved in an ``.npz`` file without pickle.
"""

import math
from collections.abc import Mapping
from numbers import Integral, Real

from minigan import backend
from minigan.autograd import Tensor


class Optimizer:
    """Base class of the optimizers.

    Args:
        params: an iterable of Parameters (e.g. ``model.parameters()``), kept as a list.
        lr: the learning rate; ``optimizer.lr`` is a plain attribute that may be changed
            between steps (a schedule).

    Subclasses list their float settings in ``hyperparameters`` (each finite and in [0, inf),
    unless ``ranges`` gives another range) and the entries of their per-parameter state in
    ``state_names`` (both saved by ``state_dict``), and implement ``update(p, g, state)``.
    """

    hyperparameters = ("lr",)  # the float settings that state_dict saves
    ranges = {}  # (low, high), high excluded, for a setting not in [0, inf)
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

    def _check(self, name, value, setting=None):
        """``value`` as a float, or a ValueError unless it is a finite number in the range of
        ``setting`` (default ``name``): ``ranges[setting]``, or [0, inf) when it has none."""
        low, high = self.ranges.get(setting or name, (0.0, math.inf))
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"{self.name}: {name} must be a number, got {value!r}")
        if not (low <= value < high):  # also refuses nan and, with high = inf, inf
            interval = f">= {low} and finite" if high == math.inf else f"[{low}, {high})"
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

        Raises ``ValueError`` listing every problem (missing settings or settings out of their
        range, another number of parameters, unknown entries, step counts that are not integers
        >= 0, arrays that are not numbers or whose shapes differ from their parameter's) before
        anything is changed.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"{self.name}.load_state_dict expects a mapping of names to values, "
                            f"got {type(state).__name__}")
        problems = [f"missing {name!r}" for name in (*self.hyperparameters, "num_params") if name not in state]
        settings = {}
        for name in self.hyperparameters:
            try:
                settings[name] = self._check(name, _number(state[name])) if name in state else None
            except ValueError as err:  # a saved lr of -1, a beta1 of 7: the constructor's checks
                problems.append(str(err).partition(": ")[2])
        count = _number(state.get("num_params", len(self.params)))
        if not _is_count(count):
            problems.append(f"num_params must be an integer >= 0, got {count!r}")
        elif count != len(self.params):
            problems.append(f"it holds {count} parameters, this optimizer {len(self.params)}")
        per_param = [{} for _ in self.params]
        for key in state:
            if key in self.hyperparameters or key == "num_params":
                continue
            index, _, name = str(key).partition(".")
            if not (index.isdigit() and int(index) < len(self.params) and name in self.state_names):
                problems.append(f"unexpected entry {key!r}")
                continue
            p, value = self.params[int(index)], state[key]
            if name == "step":
                step = _number(value)
                if not _is_count(step):
                    problems.append(f"{key!r} must be an integer >= 0, got {value!r}")
                per_param[int(index)][name] = step
                continue
            value = backend.to_numpy(value)
            if value.dtype.kind not in "biuf":
                problems.append(f"{key!r} holds {value.dtype} values, not numbers")
            elif value.shape != p.shape:
                problems.append(f"{key!r} has shape {value.shape}, its parameter {p.shape}")
            # a copy: the update works in place and must not edit the caller's arrays (none is
            # made once a problem is found: nothing will be loaded)
            per_param[int(index)][name] = value if problems else backend.get_array_module(p.data).array(
                value, dtype=p.dtype)
        for i, entries in enumerate(per_param):
            if entries and set(entries) != set(self.state_names):  # all of a parameter's state, or none
                problems.append(f"parameter {i} has only {sorted(entries)} of {list(self.state_names)}")
        if problems:
            raise ValueError(f"cannot load this state into {self.name}: " + "; ".join(problems))
        for name in self.hyperparameters:
            setattr(self, name, settings[name])
        self.state = per_param


def _number(value):
    """A number saved as a Python number or a 0-d array (a loaded ``.npz`` holds those) as a
    Python number; anything else as it is, for the checks to refuse."""
    if hasattr(value, "shape") and value.shape == () and getattr(value, "dtype", None) is not None \
            and value.dtype.kind in "biuf":
        return value.item()
    return value


def _is_count(value):
    """Whether ``value`` is an integer >= 0 (not a bool)."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 0
