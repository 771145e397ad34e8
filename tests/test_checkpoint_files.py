"""The one reader of every .npz minigan loads: damaged and foreign files, each refused in one line
that names the file; what a save removes; and a save killed halfway."""

import functools
import io
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np
import pytest

import minigan
from minigan.train import load_checkpoint, save_checkpoint
from minigan.train.checkpoint import MAX_BYTES
from tests.helpers import environment

STATE = {"steps": 3, "w": np.arange(6.0).reshape(2, 3), "config": {"lr": 0.1, "name": "ring"}}


@functools.cache
def good():
    """The bytes of a small checkpoint written by ``save_checkpoint``."""
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "c.npz"
        save_checkpoint(path, STATE)
        return path.read_bytes()


def npz(meta, compressed=False, **arrays):
    """An .npz with ``meta`` (an array, or JSON-encoded otherwise) as its ``__meta__`` entry."""
    buffer = io.BytesIO()
    meta = meta if isinstance(meta, np.ndarray) else np.array(json.dumps(meta))
    (np.savez_compressed if compressed else np.savez)(buffer, __meta__=meta, **arrays)
    return buffer.getvalue()


def flipped(data, offset):
    """``data`` with one bit flipped at ``offset``."""
    data = bytearray(data)
    data[offset] ^= 0x10
    return bytes(data)


def data_offset(data, name):
    """Where the last 48 bytes of entry ``name`` (six float64s) start in the zip ``data``."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    local = 30 + len(name) + int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    return info.header_offset + local + info.file_size - 48


def zip_of(*entries):
    """A zip with the given ``(name, bytes)`` entries, stored uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def npy(array):
    """The bytes of ``array`` as an .npy file."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def lying_header():
    """An entry whose .npy header says (1000,) float64 but which holds one number."""
    header = npy(np.zeros(1000))
    return header[:len(header) - 8000] + b"\0" * 8


def oversized_entry():
    """A checkpoint whose zip directory says its array entry is 2 GiB long."""
    data = bytearray(good())
    at = data.rfind(b"PK\x01\x02", 0, data.rindex(b"/w.npy"))  # the directory's record of /w.npy
    data[at + 20:at + 28] = (2**31 - 1).to_bytes(4, "little") * 2  # its compressed and uncompressed sizes
    return bytes(data)


def deep(levels):
    """A document nested ``levels`` dicts deep."""
    value = {"__array__": "/w"}
    for _ in range(levels):
        value = {"a": value}
    return {"deep": value}


CASES = {
    "zero bytes": (lambda: b"", "File is not a zip file"),
    "cut in half": (lambda: good()[:len(good()) // 2], "BadZipFile"),
    "cut by one byte": (lambda: good()[:-1], "BadZipFile"),
    "a flipped bit in an array": (lambda: flipped(good(), data_offset(good(), "/w.npy")), "Bad CRC-32"),
    "a text file": (lambda: b"step 3, lr 0.1\n", "File is not a zip file"),
    "a PNG": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(64), "File is not a zip file"),
    "an .npy array": (lambda: npy(np.zeros(3)), "File is not a zip file"),
    "a zip of something else": (lambda: zip_of(("notes.txt", b"hello")), "no __meta__ entry"),
    "compressed entries": (lambda: npz({"steps": 3}, compressed=True), "'__meta__.npy' is compressed"),
    "an object array": (lambda: npz({"w": {"__array__": "/w"}}, **{"/w": np.array([None, 1], dtype=object)}),
                        "holds object values, not numbers (Python objects, which only pickle could load)"),
    "metadata that is no text": (lambda: npz(np.arange(3)), "'__meta__.npy' holds int64 values, not text"),
    "metadata that is no JSON": (lambda: npz(np.array("{steps: 3")), "JSONDecodeError"),
    "metadata that is a list": (lambda: npz([1, 2]), "is a list, not a dict"),
    "metadata nested past the parser": (lambda: npz(np.array("[" * 100000 + "]" * 100000)), "nested too deeply"),
    "metadata nested past 32 levels": (lambda: npz(deep(40), **{"/w": np.zeros(2)}), "nested more than 32 levels"),
    "a missing array": (lambda: npz({"w": {"__array__": "/x"}}, **{"/w": np.zeros(2)}),
                        "names an array '/x' that the file does not hold"),
    "an array header that lies": (lambda: zip_of(("__meta__.npy", npy(np.array('{"w": {"__array__": "/w"}}'))),
                                                 ("/w.npy", lying_header())), "says it holds (1000,) float64"),
    "two entries with one name": (lambda: zip_of(("__meta__.npy", npy(np.array("{}"))),
                                                 ("__meta__.npy", npy(np.array("{}")))), "two entries named"),
    "an entry larger than the file": (oversized_entry, "declares 2147483647 bytes, more than the file holds"),
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_damaged_or_foreign_file_is_one_line_naming_it(tmp_path, name):
    make, message = CASES[name]
    path = tmp_path / "checkpoint.npz"
    path.write_bytes(make())
    with pytest.raises(ValueError) as info:
        load_checkpoint(path)
    text = str(info.value)
    assert str(path) in text and message in text, text
    assert "\n" not in text and "allow_pickle" not in text


def test_not_a_file_is_refused_without_waiting(tmp_path):
    (tmp_path / "folder.npz").mkdir()
    with pytest.raises(ValueError, match="folder.npz is a folder, not a checkpoint"):
        load_checkpoint(tmp_path / "folder.npz")
    with pytest.raises(FileNotFoundError, match="no checkpoint at .*missing.npz"):
        load_checkpoint(tmp_path / "missing.npz")
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    # in a child process, so that a reader that waits for a writer fails the test instead of hanging it
    code = (f"from minigan.train import load_checkpoint\n"
            f"try: load_checkpoint({str(fifo)!r})\nexcept ValueError as e: print(e)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=environment())
    assert "fifo.npz is a FIFO (named pipe), not a checkpoint" in result.stdout, result.stderr


def test_a_file_too_large_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.npz"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(ValueError, match="more than the 4294967296 a checkpoint may be"):
        load_checkpoint(path)


def test_only_the_arrays_the_metadata_names_are_read(tmp_path):
    """An entry nobody names is never read: here a damaged one, which a reader of every entry
    would fail on (as one with a 3 GiB entry would spend 3 GiB on it)."""
    buffer = io.BytesIO(good())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("junk.npy", npy(np.ones(6)))
    damaged = flipped(buffer.getvalue(), data_offset(buffer.getvalue(), "junk.npy"))
    path = tmp_path / "c.npz"
    path.write_bytes(damaged)
    state = load_checkpoint(path)
    assert state["steps"] == 3
    np.testing.assert_array_equal(minigan.to_numpy(state["w"]), STATE["w"])


def test_what_could_not_be_read_back_is_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match="key 1 under '/' is a int, not a string"):
        save_checkpoint(tmp_path / "c.npz", {1: np.ones(2), "1": np.zeros(2)})  # both would come back as "1"
    with pytest.raises(ValueError, match="contains '/' or is '__array__'"):
        save_checkpoint(tmp_path / "c.npz", {"config": {"__array__": "/w"}})
    with pytest.raises(TypeError, match="cannot store '/names', an array of object: only numbers"):
        save_checkpoint(tmp_path / "c.npz", {"names": np.array([None, "a"], dtype=object)})  # it could not be read
    assert not os.listdir(tmp_path)


def test_a_save_removes_the_temporary_files_of_killed_saves_only(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(done.stdout)  # a process that has ended
    stale = tmp_path / f".c.npz.{dead}.k1ll3d.tmp"
    live = tmp_path / f".c.npz.{os.getpid()}.wr1t1ng.tmp"  # a save in progress (this process is alive)
    other = tmp_path / f".d.npz.{dead}.k1ll3d.tmp"  # another file's: its own next save removes it
    for path in (stale, live, other):
        path.write_bytes(b"half a checkpoint")
    save_checkpoint(tmp_path / "c.npz", STATE)
    assert not stale.exists() and live.exists() and other.exists()


SAVER = """
import sys
import numpy as np
from minigan.train import save_checkpoint
step = 0
while True:  # every checkpoint holds its step in every element of w
    step += 1
    save_checkpoint(sys.argv[1], {"steps": step, "w": np.full(500_000, float(step))})
"""


def test_saves_killed_at_random_moments_leave_a_whole_checkpoint_and_no_leftovers(tmp_path):
    """SIGKILL while saving: the checkpoint on disk is always a whole one, and the next save
    removes the temporary files the killed saves left behind."""
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    folder = tmp_path / "run"
    folder.mkdir()
    path = folder / "c.npz"
    delays, left_behind, steps = random.Random(0), 0, []
    for _ in range(20):
        process = subprocess.Popen([sys.executable, str(script), str(path)], env=environment())
        deadline = time.monotonic() + 60
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(delays.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = load_checkpoint(path)
        assert np.all(minigan.to_numpy(state["w"]) == state["steps"])
        steps.append(state["steps"])
        left_behind += any(name.endswith(".tmp") for name in os.listdir(folder))
        if left_behind >= 3:
            break
    assert left_behind >= 1, "no kill landed inside a save: the test did not test it"
    save_checkpoint(path, {"steps": 0, "w": np.zeros(2)})
    assert os.listdir(folder) == ["c.npz"]
