"""Real images to train on: the 8x8 digits of scikit-learn, and MNIST-style IDX files.

* ``load_digits()``: the 1,797 handwritten 8x8 digits that scikit-learn ships inside its
  package (no download; ``pip install -e ".[digits]"``).
* ``load_idx_folder(folder)``: MNIST or Fashion-MNIST from the standard IDX files (or their
  ``.gz``) in a folder the user names.
* ``read_idx(path)``: one IDX file, checked: its magic number, its dimensions and its size.

Every loader returns ``ImageData``, images scaled to [-1, 1] (the range of the generator's
Tanh) as (N, 1, H, W) float32 on the selected backend, with their labels; ``BatchSampler``
deals out shuffled batch indices from the seeded generator.

The IDX format (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number (two zero bytes,
a type code, the number of dimensions), one big-endian uint32 per dimension, then the
values, big-endian, in C order.
"""

import gzip
import hashlib
import math
import os
import zlib

import numpy  # host-side parsing of files, as in minigan.train.checkpoint

from minigan import backend
from minigan.files import open_regular

# the IDX type codes and the big-endian dtype each stands for
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
DIGITS_INSTALL = ('the 8x8 digits come with scikit-learn, which is not installed; install it with '
                  'pip install -e ".[digits]" (or pip install "scikit-learn>=1.3")')
SPLIT_SEED = 0  # the digits' train/test split is fixed: the classifier and every GAN run share it
MAX_IDX_BYTES = 1 << 31  # 2 GiB; MNIST's largest file holds 47 MB


def read_idx(path, max_bytes=MAX_IDX_BYTES):
    """The array stored in the IDX file ``path`` (or ``path`` gzipped, if it ends in ``.gz``).

    The file is read as a stream: the header first, then exactly the bytes its dimensions
    ask for, and one more to find a file that is too long. Dimensions that ask for more than
    ``max_bytes`` are refused before any data is read, so a gzip bomb costs nothing.

    Returns a NumPy array on the host with the file's dimensions, in native byte order.
    Raises ``FileNotFoundError`` when there is no file and ``ValueError`` naming the file and
    the problem (not a regular file, bad magic number, unknown type code, a header or data
    shorter or longer than its dimensions say, a file too large, a broken gzip).
    """
    path = os.fspath(path)
    zipped = path.endswith(".gz")
    with open_regular(path, "IDX file") as f:
        try:
            if not zipped:
                return _parse_idx(f, path, max_bytes)
            with gzip.GzipFile(fileobj=f, mode="rb") as unzipped:
                return _parse_idx(unzipped, path, max_bytes)
        except (OSError, EOFError, zlib.error) as err:  # BadGzipFile is an OSError; a cut gzip an EOFError
            raise ValueError(f"{path}: unreadable {'gzip ' if zipped else ''}file ({err})") from None


def _parse_idx(f, path, max_bytes):
    """The IDX array read from the stream ``f`` (see ``read_idx``)."""
    magic = f.read(4)
    if len(magic) < 4:
        raise ValueError(f"{path}: truncated IDX file: {len(magic)} bytes, shorter than the 4-byte magic number")
    zero, code, ndim = int.from_bytes(magic[:2], "big"), magic[2], magic[3]
    if zero != 0 or code not in IDX_TYPES or ndim == 0:
        raise ValueError(f"{path}: bad IDX magic number 0x{magic.hex()}: expected 0x0000, a type code "
                         f"({', '.join(f'0x{c:02x}' for c in IDX_TYPES)}) and at least one dimension")
    header = 4 + 4 * ndim
    dims = f.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise ValueError(f"{path}: truncated IDX header: {ndim} dimensions need {header} bytes, "
                         f"the file has {4 + len(dims)}")
    shape = tuple(int.from_bytes(dims[4 * i:4 * i + 4], "big") for i in range(ndim))
    dtype = numpy.dtype(IDX_TYPES[code])
    nbytes = dtype.itemsize * math.prod(shape)  # Python integers: no product overflows
    if nbytes > max_bytes:
        raise ValueError(f"{path}: IDX dimensions {shape} of {dtype.name} need {header + nbytes} bytes, "
                         f"more than the {max_bytes} minigan reads")
    data = f.read(nbytes)
    if len(data) < nbytes or f.read(1):
        problem, size = ("truncated", header + len(data)) if len(data) < nbytes else ("too long", "more")
        raise ValueError(f"{path}: {problem} IDX file: dimensions {shape} of {dtype.name} need "
                         f"{header + nbytes} bytes, the file has {size}")
    return numpy.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def to_unit_range(images, max_value):
    """Images with values in [0, max_value], shape (N, H, W), as (N, 1, H, W) float32 in [-1, 1]."""
    return (numpy.asarray(images, dtype="float64") * (2.0 / max_value) - 1.0).astype("float32")[:, None]


class ImageData:
    """Images in [-1, 1] and their integer labels, on the selected backend.

    Args:
        images: host array (N, C, H, W), float, values in [-1, 1].
        labels: host array (N,) of integer class indices 0..n_classes-1.
        name: a label for logs and scores ("digits", the IDX folder's name).
        n_classes: the number of classes (default: 1 + the largest label).
        key: what caches and output folders are named by: ``name`` unless given (an IDX
            folder's data adds a fingerprint of its files, so that two data sets in folders
            of the same name, ``MNIST/raw`` and ``FashionMNIST/raw``, never share one).
        indices: host array (N,) of each image's index in the data set it was taken from
            (default 0..N-1): ``subset`` keeps them, so a split still names its images.

    Attributes:
        images: (N, C, H, W) float32 array on the selected backend.
        labels: (N,) int64 array on the selected backend.
        indices: (N,) int64 host array.
        name, n_classes, key: as given.
    """

    def __init__(self, images, labels, name, n_classes=None, key=None, indices=None):
        images, labels = backend.to_numpy(images), backend.to_numpy(labels)
        if images.ndim != 4 or images.shape[0] == 0:
            raise ValueError(f"ImageData: images must have shape (N, C, H, W) with N >= 1, got {images.shape}")
        if labels.shape != (images.shape[0],):
            raise ValueError(f"ImageData: labels must have shape ({images.shape[0]},), got {labels.shape}")
        if labels.dtype.kind not in "iu":  # a float label 2.7 would be cut to class 2 without a word
            raise ValueError(f"ImageData: labels must be integer class indices, got {labels.dtype}")
        n_classes = int(labels.max()) + 1 if n_classes is None else n_classes
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(f"ImageData: labels must be class indices in [0, {n_classes}), "
                             f"got {labels.min()} to {labels.max()}")
        xp = backend.xp()  # xp.asarray, not backend.asarray: that keeps NumPy arrays on the host
        self.images = xp.asarray(images, dtype="float32")
        self.labels = xp.asarray(labels, dtype="int64")
        self.name, self.n_classes, self.key = name, n_classes, name if key is None else key
        indices = numpy.arange(images.shape[0]) if indices is None else backend.to_numpy(indices)
        if indices.shape != (images.shape[0],) or indices.dtype.kind not in "iu":
            raise ValueError(f"ImageData: indices must be {images.shape[0]} integers, got {indices.dtype} "
                             f"{indices.shape}")
        self.indices = indices.astype("int64")

    def __len__(self):
        return int(self.images.shape[0])

    @property
    def image_size(self):
        """The side H (= W) of the images."""
        return int(self.images.shape[2])

    def subset(self, index):
        """The images, labels and indices at ``index`` (an index array), as a new ``ImageData``."""
        return ImageData(backend.to_numpy(self.images[index]), backend.to_numpy(self.labels[index]), self.name,
                         self.n_classes, self.key, self.indices[backend.to_numpy(index)])

    def __repr__(self):
        return f"ImageData(name={self.name!r}, images={tuple(self.images.shape)}, classes={self.n_classes})"


def load_digits(test_fraction=0.3):
    """scikit-learn's 1,797 real 8x8 digits, split into ``(train, test)`` ``ImageData``.

    The pixels (0..16) are scaled to [-1, 1]. The split is a fixed seeded permutation
    (``SPLIT_SEED``), so every run holds out the same images; each split's ``indices`` are
    its images' positions in scikit-learn's ``load_digits()``. Raises ``ImportError`` with
    the command to install scikit-learn when it is missing.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError(DIGITS_INSTALL) from None
    digits = sklearn_digits()
    data = ImageData(to_unit_range(digits.images, 16.0), digits.target, "digits")
    order = numpy.random.default_rng(SPLIT_SEED).permutation(len(data))
    n_test = int(round(test_fraction * len(data)))
    return data.subset(order[n_test:]), data.subset(order[:n_test])


def _find(folder, prefix, kind):
    """The path of ``<prefix>-<kind>-idx?-ubyte`` (or ``.idx?-ubyte``, optionally ``.gz``) in ``folder``."""
    dims = "3" if kind == "images" else "1"
    names = [f"{prefix}-{kind}{sep}idx{dims}-ubyte{gz}" for sep in ("-", ".") for gz in ("", ".gz")]
    for name in names:
        if os.path.lexists(os.path.join(folder, name)):  # read_idx names what is there if it is no file
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{folder}: no {kind} file for the {prefix!r} split (looked for {', '.join(names)})")


def _read_split(folder, prefix, n_classes=None):
    """The images (N, H, W) uint8 and labels (N,) of one split, checked.

    Labels must be integers in [0, ``n_classes``) (given: another split's classes), or,
    without ``n_classes``, run from 0 with no class missing up to the largest.
    """
    images_path, labels_path = _find(folder, prefix, "images"), _find(folder, prefix, "labels")
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != numpy.uint8:
        raise ValueError(f"{images_path}: expected uint8 images (N, H, W), got {images.dtype.name} {images.shape}")
    if images.shape[0] == 0 or images.shape[1] != images.shape[2]:
        raise ValueError(f"{images_path}: expected at least one square image, got {images.shape[0]} of "
                         f"{images.shape[1]}x{images.shape[2]}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(f"{labels_path}: expected {images.shape[0]} labels (one per image of "
                         f"{images_path}), got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        raise ValueError(f"{labels_path}: labels must be integer class indices, got {labels.dtype.name}")
    bad = numpy.flatnonzero((labels < 0) | (labels >= n_classes if n_classes else False))
    if bad.size:
        allowed = f"in [0, {n_classes}), the training split's classes" if n_classes else ">= 0"
        raise ValueError(f"{labels_path}: label {labels[bad[0]]} (item {bad[0]}) is not a class index {allowed}")
    classes = numpy.unique(labels)
    if n_classes is None and int(classes[-1]) + 1 != classes.size:  # a stray 255 among the digits 0-9
        missing = int(numpy.flatnonzero(classes != numpy.arange(classes.size))[0])
        raise ValueError(f"{labels_path}: the labels go up to {classes[-1]} but no item has class {missing}; "
                         "class indices must run from 0 without a gap")
    return images, labels


def load_idx_split(folder, prefix, n_classes=None):
    """The ``ImageData`` of one split of an MNIST-style folder (``prefix`` "train" or "t10k"); its
    labels checked as ``_read_split`` says."""
    images, labels = _read_split(folder, prefix, n_classes)
    name = os.path.basename(os.path.normpath(folder)) or "idx"
    return ImageData(to_unit_range(images, 255.0), labels, name, n_classes)


def load_idx_folder(folder):
    """MNIST or Fashion-MNIST from ``folder``: ``(train, test)`` ``ImageData`` from the
    ``train-*`` and ``t10k-*`` IDX files (plain or ``.gz``).

    The test split must have the training split's image size and classes. Both get the key
    ``<folder name>-<fingerprint>``: the first 12 hex digits of a SHA-256 of both splits.
    """
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such folder")
    train_images, train_labels = _read_split(folder, "train")
    n_classes = int(train_labels.max()) + 1
    test_images, test_labels = _read_split(folder, "t10k", n_classes)
    if test_images.shape[1:] != train_images.shape[1:]:
        raise ValueError(f"{folder}: the t10k images are {test_images.shape[1]}x{test_images.shape[2]}, "
                         f"the train images {train_images.shape[1]}x{train_images.shape[2]}; both splits "
                         "must have one size")
    fingerprint = hashlib.sha256()
    for array in (train_images, train_labels, test_images, test_labels):
        fingerprint.update(repr((array.dtype.str, array.shape)).encode())
        fingerprint.update(numpy.ascontiguousarray(array).tobytes())
    name = os.path.basename(os.path.normpath(folder)) or "idx"
    key = f"{name}-{fingerprint.hexdigest()[:12]}"
    return tuple(ImageData(to_unit_range(images, 255.0), labels, name, n_classes, key)
                 for images, labels in ((train_images, train_labels), (test_images, test_labels)))


class BatchSampler:
    """Shuffled batches of indices into a data set of ``n`` items, epoch after epoch.

    Each epoch is a fresh permutation from ``backend.permutation`` (so ``minigan.manual_seed``
    fixes the order); a batch that would run past the end of an epoch starts the next
    one instead, so every batch is full and every item is seen at most once per epoch (the
    last ``n % batch_size`` items of a permutation wait for a later one).

    ``state`` is a live dict (the current permutation and the position in it): save it
    with a checkpoint and give it back to ``load_state`` to continue the same order.
    """

    def __init__(self, n):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"BatchSampler needs a positive number of items, got {n!r}")
        self.n = n
        self.state = {"order": backend.permutation(n), "position": 0}

    def next(self, batch_size):
        """The indices (batch_size,) of the next batch, on the selected backend."""
        if not 1 <= batch_size <= self.n:
            raise ValueError(f"BatchSampler: batch_size must be in [1, {self.n}], got {batch_size}")
        start = self.state["position"]
        if start + batch_size > self.n:  # the epoch is over: reshuffle
            self.state["order"], start = backend.permutation(self.n), 0
        self.state["position"] = start + batch_size
        return self.state["order"][start:start + batch_size]

    def load_state(self, state):
        """Continue from a saved ``state`` (updating the live dict in place), after checking that
        its order is a permutation of the ``n`` items and its position lies in [0, n]."""
        if not isinstance(state, dict) or not {"order", "position"} <= set(state):
            raise ValueError("BatchSampler: a saved state is a dict with an order and a position")
        order, position = backend.to_numpy(state["order"]), state["position"]
        if order.shape != (self.n,) or order.dtype.kind not in "iu":
            raise ValueError(f"BatchSampler: the saved order holds {order.dtype} {order.shape}, "
                             f"expected ({self.n},) indices")
        if not numpy.array_equal(numpy.sort(order), numpy.arange(self.n)):
            raise ValueError(f"BatchSampler: the saved order is not a permutation of the {self.n} items")
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= self.n:
            raise ValueError(f"BatchSampler: the saved position must be an integer in [0, {self.n}], got {position!r}")
        self.state.update(order=backend.xp().asarray(order), position=position)
