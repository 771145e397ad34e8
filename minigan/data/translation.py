"""Two domains of the same digits, for image-to-image translation: plain digits (A) and digits
on photos (B), built from what scikit-learn ships, with no download.

* Domain A: scikit-learn's 8x8 digits, upsampled to 16x16 by repeating each pixel into a 2x2
  block (``minigan.nn.functional.interpolate``'s "nearest", done here on the host): exact and
  deterministic, no value is invented, so a stroke stays as sharp as the 8x8 original (a
  bilinear resize would blur it into grays that B's blend would then carry). The gray value
  fills all three channels, as CyCADA's MNIST does: one classifier can then read both domains,
  which the "source only" baseline of domain adaptation needs.
* Domain B: each A digit d in [0, 1] blended into a random 16x16 RGB patch p in [0, 1] of one of
  scikit-learn's two sample photographs (``load_sample_images``: a temple in China, a flower),
  by the MNIST-M recipe (Ganin et al. 2016), per channel

      b = |p - d|

  where the digit is 0 the photo shows, where it is 1 the photo's colours are inverted. The
  patches are drawn by a NumPy generator seeded with ``seed``: the same seed, the same data.

Both are mapped to [-1, 1] (the generators' Tanh) as (N, 3, 16, 16) float32.

What each side may see:

* the digits' train/test split is ``load_digits``'s, the one every digits demo holds out;
* training patches come from the left half of each photo, test patches from the right half,
  so no test image shows a piece of photo that training saw;
* every A image has its B counterpart at the same index, with the same label: the pairs
  pix2pix trains on and the test scores against;
* ``unpaired_halves`` splits the training digits in two disjoint halves, A images from one
  and B images from the other, so CycleGAN never sees an A image together with its B twin.
"""

import hashlib

import numpy

from minigan import backend
from minigan.data.images import BatchSampler, ImageData, load_digits

SCALE = 2  # 8x8 -> 16x16: each pixel repeated into a SCALE x SCALE block
PATCH = 16  # the side of a photo patch, and of every image of both domains
DATA_SEED = 0  # the patches' generator: every run, and the scoring classifier, see the same data
PHOTOS_INSTALL = ("digits on photos need scikit-learn's sample photographs, which it reads with Pillow; "
                  'install both with pip install -e ".[digits]" (Pillow comes with matplotlib)')


def upsample(digits, scale=SCALE):
    """Digits (N, H, W) as (N, 3, scale H, scale W): each pixel repeated into a scale x scale
    block, the gray value in all three channels."""
    digits = numpy.asarray(digits)
    if digits.ndim != 3 or digits.shape[0] == 0:
        raise ValueError(f"upsample: digits must have shape (N, H, W) with N >= 1, got {digits.shape}")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"upsample: scale must be an integer >= 1, got {scale!r}")
    big = digits.repeat(scale, axis=1).repeat(scale, axis=2)
    return numpy.repeat(big[:, None], 3, axis=1)


def photo_patches(photos, n, half, rng, size=PATCH):
    """``n`` random ``size`` x ``size`` patches (n, 3, size, size) in [0, 1] from ``photos``.

    Args:
        photos: a list of uint8 RGB photos (H, W, 3).
        n: how many patches.
        half: "left" or "right": the half of each photo (by columns) a patch lies in whole.
        rng: a ``numpy.random.Generator``; it picks a photo, then a corner, for each patch.
    """
    if half not in ("left", "right"):
        raise ValueError(f"photo_patches: half must be 'left' or 'right', got {half!r}")
    for photo in photos:
        if photo.ndim != 3 or photo.shape[2] != 3 or photo.shape[0] < size or photo.shape[1] < 2 * size:
            raise ValueError(f"photo_patches: every photo must be RGB (H, W, 3) with H >= {size} and "
                             f"W >= {2 * size}, got {photo.shape}")
    which = rng.integers(0, len(photos), n)
    patches = numpy.empty((n, 3, size, size))
    for i, k in enumerate(which):
        photo = photos[k]
        middle = photo.shape[1] // 2
        low, high = (0, middle - size) if half == "left" else (middle, photo.shape[1] - size)
        top, left = rng.integers(0, photo.shape[0] - size + 1), rng.integers(low, high + 1)
        patches[i] = photo[top:top + size, left:left + size].transpose(2, 0, 1) / 255.0
    return patches


def blend(digits, patches):
    """MNIST-M's blend, per channel: |patch - digit|, both (N, 3, H, W) in [0, 1]."""
    if digits.shape != patches.shape:
        raise ValueError(f"blend: digits {digits.shape} and patches {patches.shape} must have one shape")
    return numpy.abs(patches - digits)


def sample_photos():
    """scikit-learn's two sample photographs, uint8 (427, 640, 3); an ``ImportError`` that says
    what to install when scikit-learn or Pillow is missing."""
    try:
        from sklearn.datasets import load_sample_images
        return load_sample_images().images
    except ImportError:
        raise ImportError(PHOTOS_INSTALL) from None


class PairedImages:
    """The same digits in domain A and domain B, index for index.

    Attributes:
        a: ``ImageData`` of the plain digits (N, 3, 16, 16) in [-1, 1].
        b: ``ImageData`` of the digits on photos (N, 3, 16, 16) in [-1, 1]; ``b.images[i]`` is
            ``a.images[i]`` blended into a patch, with the same label and index.
    """

    def __init__(self, a, b):
        if len(a) != len(b) or not numpy.array_equal(a.indices, b.indices):
            raise ValueError(f"PairedImages: a and b must hold the same digits in the same order, got {len(a)} "
                             f"and {len(b)} images")
        self.a, self.b = a, b

    def __len__(self):
        return len(self.a)

    def subset(self, index):
        """The pairs at ``index`` (an index array), as a new ``PairedImages``."""
        return PairedImages(self.a.subset(index), self.b.subset(index))


def _domains(digits, half, rng):
    """``(A, B)`` host arrays (N, 3, 16, 16) in [0, 1] of 8x8 digits ``digits`` (N, 8, 8) in [-1, 1],
    B's patches from ``half`` of the photos."""
    a = upsample((digits + 1) / 2)
    return a, blend(a, photo_patches(sample_photos(), a.shape[0], half, rng))


def load_digits_on_photos(seed=DATA_SEED):
    """The digits in both domains: ``(train, test)`` ``PairedImages`` on ``load_digits``'s split.

    Training pairs blend their digits into patches of the photos' left halves, test pairs
    into patches of the right halves. Every ``ImageData`` has the key
    ``digits-on-photos-<fingerprint>``, the first 12 hex digits of a SHA-256 of all four image
    arrays (the photos as this scikit-learn and Pillow decode them): what the scoring
    classifier's cache is named by. Raises ``ImportError`` naming what to install.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"load_digits_on_photos: seed must be an integer >= 0, got {seed!r}")
    train, test = load_digits()
    rng = numpy.random.default_rng(seed)
    arrays = {}
    for name, split, half in (("train", train, "left"), ("test", test, "right")):
        arrays[name] = _domains(backend.to_numpy(split.images)[:, 0], half, rng)
    fingerprint = hashlib.sha256()
    for a, b in arrays.values():
        fingerprint.update(a.astype("float32").tobytes())
        fingerprint.update(b.astype("float32").tobytes())
    key = f"digits-on-photos-{fingerprint.hexdigest()[:12]}"

    def paired(split, a, b):
        """The split's pairs: A and B images (host arrays in [0, 1]) mapped to [-1, 1], with its labels and indices."""
        labels = backend.to_numpy(split.labels)
        return PairedImages(ImageData(a * 2 - 1, labels, "digits", split.n_classes, key, split.indices),
                            ImageData(b * 2 - 1, labels, "digits-on-photos", split.n_classes, key, split.indices))

    return paired(train, *arrays["train"]), paired(test, *arrays["test"])


def unpaired_halves(pairs, seed=DATA_SEED):
    """``(A, B)`` ``ImageData`` for unpaired training: the A images of one half of ``pairs``' digits
    and the B images of the other half, the halves disjoint and of one size (an odd digit out
    is left unused), chosen by a permutation seeded with ``seed``."""
    if len(pairs) < 2:
        raise ValueError(f"unpaired_halves: need at least 2 pairs, got {len(pairs)}")
    order = numpy.random.default_rng(seed).permutation(len(pairs))
    half = len(pairs) // 2
    return pairs.a.subset(order[:half]), pairs.b.subset(order[half:2 * half])


class UnpairedSampler:
    """Batches of indices into two data sets of ``n_a`` and ``n_b`` items, each shuffled on its
    own (a ``BatchSampler`` each): an A batch and a B batch that are no pairs.

    ``state`` is a live dict of both samplers' states: save it with a checkpoint and give it
    back to ``load_state`` to continue both orders.
    """

    def __init__(self, n_a, n_b):
        self.a, self.b = BatchSampler(n_a), BatchSampler(n_b)
        self.state = {"a": self.a.state, "b": self.b.state}

    def next(self, batch_size):
        """``(A indices (batch_size,), B indices (batch_size,))`` of the next batches."""
        return self.a.next(batch_size), self.b.next(batch_size)

    def load_state(self, state):
        """Continue from a saved ``state`` (each sampler's checked by ``BatchSampler.load_state``)."""
        if not isinstance(state, dict) or set(state) != {"a", "b"}:
            raise ValueError("UnpairedSampler: a saved state is a dict of the A and the B sampler's states")
        self.a.load_state(state["a"])
        self.b.load_state(state["b"])
