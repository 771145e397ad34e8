"""Checkpoints: a nested training state in one ``.npz`` file, without pickle, written atomically
and read back only after checking every part of the file.

A state is a dict of nested dicts (string keys) and lists whose leaves are arrays, numbers,
strings or ``None`` (model and optimizer ``state_dict()``s, the step count, the random
generator's state, the run's configuration). Each array is stored as an ``.npz`` entry;
everything else goes into one JSON document (entry ``__meta__``) where each array stands as
``{"__array__": key}``.

Writing: the file is first written next to its destination, under a name that holds the
writer's process id, and then renamed over it: a crash while writing leaves the previous
checkpoint as it was. A process killed while writing (SIGKILL, a power cut) cannot remove its
temporary file; the next save of the same file removes the ones whose process is gone.

Reading (``load_checkpoint``) is the one reader of every ``.npz`` minigan loads (checkpoints,
classifier caches), and it trusts nothing in the file. It opens regular files only, reads the
zip directory and checks it before reading any data (entries stored uncompressed, as
``numpy.savez`` writes them, each inside the file, no entry twice), reads the JSON document,
checks its structure, then reads only the arrays that document names, each after checking its
header (numbers only: no Python objects, which would need pickle) against the entry's size.
A damaged file (cut short, a flipped bit: the zip's CRC-32 catches it) or a foreign one is a
``ValueError`` of one line that names the file; NumPy's own loader is never called, so its
advice to allow pickle is never given.
"""

import json
import math
import os
import re
import tempfile
import zipfile

import numpy

from minigan import backend
from minigan.files import open_regular

META = "__meta__"
ARRAY = "__array__"  # the JSON key that marks an array's place in the document
MAX_BYTES = 4 << 30  # a checkpoint above 4 GiB is no minigan model's: refuse it before reading
MAX_META_BYTES = 64 << 20  # the JSON document: configurations, histories, generator states
MAX_DEPTH = 32  # the JSON document's nesting; minigan's states are a handful of levels deep
NUMBER_KINDS = "biuf"  # the arrays a state may hold: booleans, integers, floats


# ---------------------------------------------------------------- writing

def _split(value, key, arrays):
    """``value`` as JSON-safe data, with its arrays moved into ``arrays`` under path-like keys."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and getattr(value, "ndim", 0) > 0:
        if value.dtype.kind not in NUMBER_KINDS:  # load_checkpoint reads numbers only (objects need pickle)
            raise TypeError(f"checkpoint: cannot store {key!r}, an array of {value.dtype}: only numbers")
        arrays[key] = backend.to_numpy(value)
        return {ARRAY: key}
    if isinstance(value, dict):
        for k in value:
            # JSON keeps only string keys: {1: a, "1": b} would come back as one "1"
            if not isinstance(k, str):
                raise TypeError(f"checkpoint: key {k!r} under {key or '/'!r} is a {type(k).__name__}, "
                                "not a string")
            if "/" in k or k == ARRAY:  # "/" joins the path-like keys: "a/b" and {"a": {"b"}} would collide
                raise ValueError(f"checkpoint: key {k!r} under {key or '/'!r} contains '/' or is {ARRAY!r}")
        return {k: _split(v, f"{key}/{k}", arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split(v, f"{key}/{i}", arrays) for i, v in enumerate(value)]
    if hasattr(value, "item"):  # a NumPy/CuPy scalar or 0-d array
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"checkpoint: cannot store {key!r} of type {type(value).__name__}")


def _alive(pid):
    """Whether process ``pid`` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_stale_temporaries(folder, name):
    """Remove the temporary files of earlier saves of ``name`` whose writer was killed.

    A temporary file is named ``.<name>.<pid>.<random>.tmp``; a live process's file (a save in
    progress elsewhere) is left alone. POSIX only: elsewhere ``os.kill(pid, 0)`` does not ask.
    """
    if os.name != "posix":
        return
    pattern = re.compile(re.escape(f".{name}.") + r"(\d+)\.[^.]+\.tmp")
    for entry in os.listdir(folder):
        match = pattern.fullmatch(entry)
        if match and not _alive(int(match.group(1))):
            try:
                os.remove(os.path.join(folder, entry))
            except FileNotFoundError:  # another save removed it first
                pass


def save_checkpoint(path, state):
    """Write the nested ``state`` (a dict) to ``path`` (an ``.npz``) atomically."""
    path = os.fspath(path)
    if not isinstance(state, dict):
        raise TypeError(f"checkpoint: the state must be a dict, got {type(state).__name__}")
    arrays = {}
    meta = _split(state, "", arrays)
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    _remove_stale_temporaries(folder, name)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)
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


# ---------------------------------------------------------------- reading

class _Damaged(Exception):
    """What is wrong with the file, in words; ``load_checkpoint`` adds the file's name."""


class _Foreign(_Damaged):
    """A readable ``.npz`` that ``save_checkpoint`` did not write."""


def _entries(archive, size):
    """The zip's entries by name, after checking what the directory declares against the file."""
    entries = {}
    for info in archive.infolist():
        if info.filename in entries:
            raise _Damaged(f"it has two entries named {info.filename!r}")
        if info.flag_bits & 0x1:
            raise _Damaged(f"entry {info.filename!r} is encrypted")
        if info.compress_type != zipfile.ZIP_STORED:
            raise _Damaged(f"entry {info.filename!r} is compressed; minigan writes and reads uncompressed .npz files")
        if info.file_size != info.compress_size or info.header_offset + info.file_size > size:
            raise _Damaged(f"entry {info.filename!r} declares {info.file_size} bytes, more than the file holds")
        entries[info.filename] = info
    return entries


def _read_array(archive, info, kinds=NUMBER_KINDS):
    """The ``.npy`` array of entry ``info``: its header checked against the entry's size, then its data."""
    with archive.open(info) as f:
        version = numpy.lib.format.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise _Damaged(f"entry {info.filename!r} has .npy format version {version}")
        read_header = getattr(numpy.lib.format, f"read_array_header_{version[0]}_0")
        shape, fortran_order, dtype = read_header(f)
        if dtype.hasobject or dtype.fields is not None or dtype.kind not in kinds:
            raise _Damaged(f"entry {info.filename!r} holds {dtype} values, not {'text' if kinds == 'U' else 'numbers'}"
                           + (" (Python objects, which only pickle could load)" if dtype.hasobject else ""))
        nbytes = math.prod(shape) * dtype.itemsize  # Python integers: no overflow
        if f.tell() + nbytes != info.file_size:
            raise _Damaged(f"entry {info.filename!r} says it holds {shape} {dtype} ({nbytes} bytes) "
                           f"but has {info.file_size - f.tell()}")
        data = f.read(nbytes)  # the last byte of the entry checks its CRC-32
    if len(data) != nbytes:
        raise _Damaged(f"entry {info.filename!r} is cut short")
    array = numpy.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
    return array.astype(dtype.newbyteorder("="))  # a writable copy, in the machine's byte order


def _array_keys(value, entries, depth=0):
    """The array keys the document ``value`` names, after checking that each has its entry."""
    if depth > MAX_DEPTH:
        raise _Damaged(f"its {META} document is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        if ARRAY in value:
            key = value[ARRAY]
            if len(value) != 1 or not isinstance(key, str) or f"{key}.npy" not in entries:
                raise _Damaged(f"its {META} document names an array {key!r} that the file does not hold")
            return {key}
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(_array_keys(v, entries, depth + 1) for v in value))
    return set()


def _join(value, arrays):
    """The inverse of ``_split``: arrays come back on the selected backend."""
    if isinstance(value, dict):
        if ARRAY in value:
            return backend.asarray(arrays[value[ARRAY]])
        return {k: _join(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_join(v, arrays) for v in value]
    return value


def _read_state(f):
    """The state in the open file ``f``; a ``_Damaged`` error says what is wrong with it."""
    size = os.fstat(f.fileno()).st_size
    if size > MAX_BYTES:
        raise _Damaged(f"it is {size} bytes long, more than the {MAX_BYTES} a checkpoint may be")
    with zipfile.ZipFile(f) as archive:
        entries = _entries(archive, size)
        meta_entry = entries.get(f"{META}.npy")
        if meta_entry is None:
            raise _Foreign(f"it has no {META} entry")
        if meta_entry.file_size > MAX_META_BYTES:
            raise _Damaged(f"its {META} entry is {meta_entry.file_size} bytes, more than {MAX_META_BYTES}")
        text = _read_array(archive, meta_entry, kinds="U")
        if text.shape != ():
            raise _Damaged(f"its {META} entry holds {text.shape} strings, not one")
        try:
            meta = json.loads(str(text[()]))
        except RecursionError:
            raise _Damaged(f"its {META} document is nested too deeply") from None
        if not isinstance(meta, dict):
            raise _Damaged(f"its {META} document is a {type(meta).__name__}, not a dict of named parts")
        arrays = {key: _read_array(archive, entries[f"{key}.npy"]) for key in sorted(_array_keys(meta, entries))}
    return _join(meta, arrays)


def load_checkpoint(path):
    """Read a state written by ``save_checkpoint``, checking the file first (see the module docstring).

    Raises ``FileNotFoundError`` ("no checkpoint at ...") when there is no file, and a one-line
    ``ValueError`` naming the file and the problem for anything else: not a regular file, not a
    zip, damaged, compressed or foreign entries, a malformed ``__meta__`` document.
    """
    path = os.fspath(path)
    with open_regular(path, "checkpoint") as f:
        try:
            return _read_state(f)
        except _Foreign as err:
            raise ValueError(f"{path} is not a minigan checkpoint: {err}") from None
        except _Damaged as err:
            problem = str(err)
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as err:
            # not a zip, cut short, a CRC error, a malformed .npy header or JSON document
            problem = " ".join(f"{type(err).__name__}: {err}".split())
    raise ValueError(f"{path} is not a readable minigan checkpoint: {problem}")
