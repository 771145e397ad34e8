"""Scores of a conditional generator, in the eyes of the classifier minigan trains itself.

Each generated image was asked for a class y. With the scoring classifier of
``minigan.metrics.classifier``:

* **conditional accuracy**: the fraction of the images that the classifier assigns to the
  class they were asked for, overall and per class. The classifier's own accuracy on real
  held-out images (about 98% on the digits) is the most a generator can expect;
* **within-class diversity**: for each class k, the mean distance between two of the
  classifier's features of the images asked for k, divided by the same mean for the real
  held-out images of class k; then the mean of these ratios over the classes. 1 is as varied
  as the real digits of each class; a generator that draws one image per class scores 0.
  ACGAN's class loss on generated images rewards images that its D classifies easily, at a
  known cost in variety within a class (Shu et al. 2017): this is where it shows.

The FID in the same features (``classifier_score``) compares the generated images with the
real ones as a whole, whatever the classes asked for.
"""

import numpy

from minigan import backend
from minigan.metrics.classifier import features_and_predictions


def _host(a, dtype=None):
    """A Tensor's or an array's values as a host array (of ``dtype`` if given)."""
    a = backend.to_numpy(a.data if hasattr(a, "creator") else a)
    return a if dtype is None else numpy.asarray(a, dtype=dtype)


def _checked_labels(name, labels, n, n_classes, at_least=1):
    """``labels`` as a host integer array (n,) of classes in [0, K), each class there at least
    ``at_least`` times; a ``ValueError`` naming ``name`` and the problem otherwise."""
    labels = _host(labels)
    if labels.dtype.kind not in "iu" or labels.shape != (n,):
        raise ValueError(f"{name}: labels must be integer class indices of shape ({n},), got "
                         f"{labels.dtype} {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"{name}: labels must be classes in [0, {n_classes - 1}], got values from "
                         f"{labels.min()} to {labels.max()}")
    counts = numpy.bincount(labels, minlength=n_classes)
    short = numpy.flatnonzero(counts < at_least)
    if short.size:
        k = int(short[0])
        raise ValueError(f"{name}: class {k} has {counts[k]} images, at least {at_least} needed")
    return labels


def mean_pairwise_distance(features):
    """The mean Euclidean distance between two different rows of ``features`` (M, F), M >= 2.

    (2 / (M (M - 1))) sum_{i < j} ||f_i - f_j||, computed from the Gram matrix in float64:
    ||f_i - f_j||^2 = ||f_i||^2 + ||f_j||^2 - 2 f_i . f_j.
    """
    f = _host(features, "float64")
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"mean_pairwise_distance: features must have shape (M, F) with M >= 2, got {f.shape}")
    squares = (f * f).sum(axis=1)
    d2 = squares[:, None] + squares[None, :] - 2 * f @ f.T
    i, j = numpy.triu_indices(f.shape[0], k=1)  # each pair once, i < j
    return float(numpy.sqrt(numpy.maximum(d2[i, j], 0.0)).mean())  # rounding can leave -1e-13 for 0


def conditional_accuracy(predictions, labels, n_classes):
    """``(overall, per class)``: how often the predicted class (N,) is the class asked for,
    ``labels`` (N,), among all N images and among those of each class (a list of K floats).
    Every class must be asked for at least once."""
    predictions = _host(predictions)
    labels = _checked_labels("conditional_accuracy", labels, predictions.shape[0], n_classes)
    right = predictions == labels
    per_class = [float(right[labels == k].mean()) for k in range(n_classes)]
    return float(right.mean()), per_class


def within_class_diversity(features, labels, real_features, real_labels, n_classes):
    """``(mean over classes, per class)``: for each class k, ``mean_pairwise_distance`` of the
    ``features`` (N, F) of the images of class k, divided by the same for the ``real_features``
    (M, F) of class k. Every class needs at least two images on each side."""
    labels = _checked_labels("within_class_diversity", labels, len(features), n_classes, at_least=2)
    real_labels = _checked_labels("within_class_diversity: real", real_labels, len(real_features), n_classes,
                                  at_least=2)
    features, real_features = _host(features), _host(real_features)
    per_class = [mean_pairwise_distance(features[labels == k])
                 / mean_pairwise_distance(real_features[real_labels == k]) for k in range(n_classes)]
    return float(numpy.mean(per_class)), per_class


def conditional_scores(model, images, labels, real_images, real_labels):
    """The conditional scores of ``images`` (N, C, H, W) asked for the classes ``labels`` (N,),
    in the eyes of the classifier ``model``, against real held-out images and their labels.

    Returns a dict: ``accuracy`` and ``per_class_accuracy`` (``conditional_accuracy``),
    ``diversity`` and ``per_class_diversity`` (``within_class_diversity``).
    """
    n_classes = model.config["n_classes"]
    features, predictions = features_and_predictions(model, images)
    real_features, _ = features_and_predictions(model, real_images)
    accuracy, per_class_accuracy = conditional_accuracy(predictions, labels, n_classes)
    diversity, per_class_diversity = within_class_diversity(features, labels, real_features, real_labels, n_classes)
    return {"accuracy": accuracy, "per_class_accuracy": per_class_accuracy, "diversity": diversity,
            "per_class_diversity": per_class_diversity}


def predicted_class_diversity(model, images, real_images, real_labels):
    """The within-class diversity of an unconditional generator's ``images`` (N, C, H, W): each
    image's class is the one the classifier ``model`` predicts for it, and each class's images
    are compared with the real held-out images (M, C, H, W) of that class (``real_labels`` (M,)),
    as ``within_class_diversity`` does.

    A class predicted for fewer than two images has no pair to measure and is left out: its
    entry in the per-class list is ``None`` (classes covered says how many are missing).
    Returns ``(mean over the measured classes, per class)``, the mean ``None`` when none is.
    """
    n_classes = model.config["n_classes"]
    features, predictions = features_and_predictions(model, images)
    real_features, _ = features_and_predictions(model, real_images)
    real_labels = _host(real_labels)
    measured = numpy.flatnonzero(numpy.bincount(predictions, minlength=n_classes) >= 2)
    per_class = [None] * n_classes
    if not measured.size:
        return None, per_class
    # the measured classes renumbered 0 .. len(measured) - 1, so that no class is empty
    renumber = numpy.full(n_classes, -1)
    renumber[measured] = numpy.arange(measured.size)
    kept, real_kept = renumber[predictions] >= 0, renumber[real_labels] >= 0
    mean, ratios = within_class_diversity(features[kept], renumber[predictions[kept]], real_features[real_kept],
                                          renumber[real_labels[real_kept]], measured.size)
    for k, ratio in zip(measured, ratios):
        per_class[int(k)] = ratio
    return mean, per_class
