"""Which training images keep their label: the semi-supervised GAN's seeded, stratified draw.

Semi-supervised learning starts from a data set of which only a few images are labelled.
``split_labelled`` makes one from a training split: ``per_class`` images of each class keep
their label, drawn by ``seed``; all the others are used without one. It draws from the split
it is given and from nothing else, so the test split, which the caller never passes, stays
untouched.
"""

import numpy

from minigan import backend


def split_labelled(train, per_class, seed):
    """``(labelled, unlabelled)``: ``per_class`` images of each class of ``train`` and the rest.

    Args:
        train: an ``ImageData`` (the training split).
        per_class: how many labelled images per class, at least 1 and at most the number of
            images of the rarest class.
        seed: the draw's seed; the same seed and data give the same images, whatever
            minigan's own generator holds (the draw uses a NumPy generator of its own).

    Returns two ``ImageData`` (their ``indices`` name the images in the data set ``train``
    came from): the labelled images, ``per_class`` of each class in the order of their
    class, and the unlabelled ones, in ``train``'s order. Raises ``ValueError`` naming the
    problem when ``per_class`` is out of range.
    """
    labels = backend.to_numpy(train.labels)
    counts = numpy.bincount(labels, minlength=train.n_classes)
    if isinstance(per_class, bool) or not isinstance(per_class, (int, numpy.integer)) or per_class < 1:
        raise ValueError(f"labels per class must be an integer >= 1, got {per_class!r}")
    if per_class > counts.min():
        rarest = int(counts.argmin())
        raise ValueError(f"{per_class} labels per class is more than the {counts.min()} training images of "
                         f"class {rarest}; at most {counts.min()}")
    generator = numpy.random.default_rng(seed)
    chosen = numpy.concatenate([generator.choice(numpy.flatnonzero(labels == k), per_class, replace=False)
                                for k in range(train.n_classes)])
    rest = numpy.setdiff1d(numpy.arange(len(train)), chosen)  # sorted: train's order
    if rest.size == 0:
        raise ValueError(f"{per_class} labels per class labels every training image; none is left unlabelled")
    return train.subset(chosen), train.subset(rest)
