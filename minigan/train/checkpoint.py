"""Checkpoints: a nested training state in one ``.npz`` file, without pickle, written atomically.

A state is nested dicts and lists whose leaves are arrays, numbers, strings or ``None``
(model and optimizer ``state_dict()``s, the step count, the random generator's state, the
run's configuration). Each array is stored as an ``.npz`` entry; everything else goes into
one JSON document (entry ``__meta__``) where each array stands as ``{"__array__": key}``.
Loading needs no pickle (``allow_pickle=False``), so a checkpoint cannot run code.

The file is first written next to its destination and then renamed over it: a crash while
writing leaves the previous checkpoint as it was.
"""

import json
import os
import tempfile

import numpy

from minigan import backend

META = "__meta__"


def _split(value, key, arrays):
    """``value`` as JSON-safe data, with its arrays moved into ``arrays`` under path-like keys."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and getattr(value, "ndim", 0) > 0:
        arrays[key] = backend.to_numpy(value)
        return {"__array__": key}
    if isinstance(value, dict):
        for k in value:
            if "/" in str(k):  # "/" joins the path-like keys: "a/b" and {"a": {"b"}} would collide
                raise ValueError(f"checkpoint: key {k!r} under {key or '/'!r} contains '/'")
        return {str(k): _split(v, f"{key}/{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split(v, f"{key}/{i}", arrays) for i, v in enumerate(value)]
    if hasattr(value, "item"):  # a NumPy/CuPy scalar or 0-d array
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"checkpoint: cannot store {key!r} of type {type(value).__name__}")


def _join(value, arrays):
    """The inverse of ``_split``: arrays come back on the selected backend."""
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return backend.asarray(arrays[value["__array__"]])
        return {k: _join(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays) for v in value]
    return value


def save_checkpoint(path, state):
    """Write the nested ``state`` to ``path`` (an ``.npz``) atomically."""
    path = os.fspath(path)
    arrays = {}
    meta = _split(state, "", arrays)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".checkpoint-", suffix=".npz.tmp", dir=folder)
    try:
        os.chmod(tmp, 0o644)  # mkstemp's file is private (0600); a checkpoint is an ordinary file
        with os.fdopen(fd, "wb") as f:
            numpy.savez(f, **{META: numpy.array(json.dumps(meta))}, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic on POSIX and Windows: readers see the old or the new file
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_checkpoint(path):
    """Read a state written by ``save_checkpoint``; a clear error if ``path`` is not one."""
    path = os.fspath(path)
    try:
        data = numpy.load(path, allow_pickle=False)
        if not isinstance(data, numpy.lib.npyio.NpzFile):  # a plain .npy array
            raise ValueError("it holds a single array, not a set of named ones")
        with data:
            meta = json.loads(str(data[META])) if META in data.files else None
            arrays = {k: data[k] for k in data.files if k != META}
    except FileNotFoundError:
        raise FileNotFoundError(f"no checkpoint at {path}") from None
    except (OSError, ValueError, json.JSONDecodeError) as err:  # not a zip, truncated, bad JSON
        raise ValueError(f"{path} is not a readable minigan checkpoint: {err}") from None
    if meta is None:
        raise ValueError(f"{path} is not a minigan checkpoint (no {META} entry)")
    return _join(meta, arrays)
