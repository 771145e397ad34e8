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
import os

import numpy  # host-side parsing of files, as in minigan.train.checkpoint

from minigan import backend

# the IDX type codes and the big-endian dtype each stands for
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
DIGITS_INSTALL = ('the 8x8 digits come with scikit-learn, which is not installed; install it with '
                  'pip install -e ".[digits]" (or pip install "scikit-learn>=1.3")')
SPLIT_SEED = 0  # the digits' train/test split is fixed: the classifier and every GAN run share it


def read_idx(path):
    """The array stored in the IDX file ``path`` (or ``path`` gzipped, if it ends in ``.gz``).

    Returns a NumPy array on the host with the file's dimensions, in native byte order.
    Raises ``ValueError`` naming the file and the problem (bad magic number, unknown type
    code, a header or data shorter or longer than its dimensions say, a broken gzip).
    """
    path = os.fspath(path)
    zipped = path.endswith(".gz")
    try:
        with (gzip.open if zipped else open)(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such IDX file") from None
    except (OSError, EOFError) as err:  # gzip.BadGzipFile is an OSError; a cut gzip an EOFError
        raise ValueError(f"{path}: unreadable {'gzip ' if zipped else ''}file ({err})") from None
    if len(raw) < 4:
        raise ValueError(f"{path}: truncated IDX file: {len(raw)} bytes, shorter than the 4-byte magic number")
    zero, code, ndim = int.from_bytes(raw[:2], "big"), raw[2], raw[3]
    if zero != 0 or code not in IDX_TYPES or ndim == 0:
        raise ValueError(f"{path}: bad IDX magic number 0x{raw[:4].hex()}: expected 0x0000, a type code "
                         f"({', '.join(f'0x{c:02x}' for c in IDX_TYPES)}) and at least one dimension")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header: {ndim} dimensions need {header} bytes, "
                         f"the file has {len(raw)}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = numpy.dtype(IDX_TYPES[code])
    expected = header + dtype.itemsize * int(numpy.prod(shape, dtype=numpy.int64))
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "too long"
        raise ValueError(f"{path}: {problem} IDX file: dimensions {shape} of {dtype.name} need "
                         f"{expected} bytes, the file has {len(raw)}")
    return numpy.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def to_unit_range(images, max_value):
    """Images with values in [0, max_value], shape (N, H, W), as (N, 1, H, W) float32 in [-1, 1]."""
    return (numpy.asarray(images, dtype="float64") * (2.0 / max_value) - 1.0).astype("float32")[:, None]


class ImageData:
    """Images in [-1, 1] and their integer labels, on the selected backend.

    Args:
        images: host array (N, C, H, W), float, values in [-1, 1].
        labels: host array (N,) of class indices 0..n_classes-1.
        name: a label for logs and file names.
        n_classes: the number of classes (default: 1 + the largest label).

    Attributes:
        images: (N, C, H, W) float32 array on the selected backend.
        labels: (N,) int64 array on the selected backend.
        name, n_classes: as given.
    """

    def __init__(self, images, labels, name, n_classes=None):
        images, labels = backend.to_numpy(images), backend.to_numpy(labels)
        if images.ndim != 4 or images.shape[0] == 0:
            raise ValueError(f"ImageData: images must have shape (N, C, H, W) with N >= 1, got {images.shape}")
        if labels.shape != (images.shape[0],):
            raise ValueError(f"ImageData: labels must have shape ({images.shape[0]},), got {labels.shape}")
        xp = backend.xp()  # xp.asarray, not backend.asarray: that keeps NumPy arrays on the host
        self.images = xp.asarray(images, dtype="float32")
        self.labels = xp.asarray(labels, dtype="int64")
        self.name = name
        self.n_classes = int(labels.max()) + 1 if n_classes is None else n_classes

    def __len__(self):
        return int(self.images.shape[0])

    @property
    def image_size(self):
        """The side H (= W) of the images."""
        return int(self.images.shape[2])

    def subset(self, index):
        """The images and labels at ``index`` (an index array), as a new ``ImageData``."""
        return ImageData(backend.to_numpy(self.images[index]), backend.to_numpy(self.labels[index]), self.name,
                         self.n_classes)

    def __repr__(self):
        return f"ImageData(name={self.name!r}, images={tuple(self.images.shape)}, classes={self.n_classes})"


def load_digits(test_fraction=0.3):
    """scikit-learn's 1,797 real 8x8 digits, split into ``(train, test)`` ``ImageData``.

    The pixels (0..16) are scaled to [-1, 1]. The split is a fixed seeded permutation
    (``SPLIT_SEED``), so every run holds out the same images. Raises ``ImportError`` with
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
        if os.path.isfile(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{folder}: no {kind} file for the {prefix!r} split (looked for {', '.join(names)})")


def load_idx_split(folder, prefix):
    """The ``ImageData`` of one split of an MNIST-style folder (``prefix`` "train" or "t10k")."""
    images_path, labels_path = _find(folder, prefix, "images"), _find(folder, prefix, "labels")
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != numpy.uint8:
        raise ValueError(f"{images_path}: expected uint8 images (N, H, W), got {images.dtype.name} {images.shape}")
    if images.shape[1] != images.shape[2]:
        raise ValueError(f"{images_path}: expected square images, got {images.shape[1]}x{images.shape[2]}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(f"{labels_path}: expected {images.shape[0]} labels (one per image of "
                         f"{images_path}), got shape {labels.shape}")
    name = os.path.basename(os.path.normpath(folder)) or "idx"
    return ImageData(to_unit_range(images, 255.0), labels, name)


def load_idx_folder(folder):
    """MNIST or Fashion-MNIST from ``folder``: ``(train, test)`` ``ImageData`` from the
    ``train-*`` and ``t10k-*`` IDX files (plain or ``.gz``)."""
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such folder")
    return load_idx_split(folder, "train"), load_idx_split(folder, "t10k")


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
        """Continue from a saved ``state`` (updating the live dict in place)."""
        order = backend.xp().asarray(state["order"])
        if order.shape != (self.n,):
            raise ValueError(f"BatchSampler: the saved order has shape {order.shape}, expected ({self.n},)")
        self.state.update(order=order, position=int(state["position"]))
