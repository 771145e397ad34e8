"""A score for generated digits that needs no downloaded weights.

FID (Heusel et al., 2017) compares generated and real images in the feature space of an
Inception network trained on ImageNet: weights that minigan would have to download, and
features made for photographs, not 8x8 digits. Here the feature space is that of a small
convolutional classifier that minigan itself trains on the real training digits (held-out
accuracy >= 97%), and the score is named for it: "FID (digits-classifier features)".

For a set of images (generated, or real for reference) the classifier gives:

* ``fid``: the Fréchet distance between Gaussians fitted to its penultimate features of
  these images and of the held-out real images;
* ``classes``: how many of the classes it predicts for at least ``MIN_SHARE`` of the images
  (a generator that collapses onto a few digits covers few);
* ``kl_uniform``: KL(p || U) = sum_k p_k log(p_k K) of the histogram p of its predicted
  classes against the uniform one: 0 when all K classes are equally common, log K when
  every image gets the same class;
* ``confidence``: the mean over the images of the probability it gives its predicted class
  (the largest softmax output), 1 when it is sure of every image, 1 / K at the least: a
  generated digit that no reader would name gets a low one.

Real training images against the held-out ones give the floor of each number (what a
perfect generator would get, up to sampling), uniform noise images the ceiling.
"""

import os

from minigan import backend, nn
from minigan.autograd import Tensor, no_grad
from minigan.data.images import BatchSampler
from minigan.metrics.frechet import frechet_distance, gaussian_stats
from minigan.metrics.modes import kl_to_uniform
from minigan.models.dcgan import feature_map_size
from minigan.optim import Adam, LambdaLR
from minigan.train.checkpoint import load_checkpoint, save_checkpoint

MIN_SHARE = 0.01  # a class is covered when at least 1% of the images are predicted as it
MIN_ACCURACY = 0.97
# the range of each setting a cached classifier may hold: a damaged cache must not build a giant model
CONFIG_LIMITS = {"image_size": (4, 1024), "channels": (1, 4), "n_classes": (1, 1000), "width": (1, 256),
                 "n_features": (1, 4096)}


class ConvClassifier(nn.Module):
    """A small convolutional classifier: images (N, C, S, S) -> logits (N, n_classes).

    ``features`` (3x3 conv, then two stride-2 4x4 convs halving the side, each with
    BatchNorm and ReLU, then a Linear layer with ReLU) gives the penultimate features (N, n_features) that
    the score compares; ``head`` (one Linear layer) turns them into class logits.

    Args:
        image_size: S, a multiple of 4 (8 for the digits, 28 for MNIST).
        channels: C.
        n_classes: the number of classes.
        width: channels of the first convolution (then 2 width and 4 width).
        n_features: the size of the penultimate features.
    """

    def __init__(self, image_size=8, channels=1, n_classes=10, width=16, n_features=64):
        super().__init__()
        base = feature_map_size(image_size)
        self.config = dict(image_size=image_size, channels=channels, n_classes=n_classes, width=width,
                           n_features=n_features)
        self.features = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1),                  # (N, width, S, S)
            nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1),       # (N, 2 width, S/2, S/2)
            nn.BatchNorm2d(2 * width), nn.ReLU(),
            nn.Conv2d(2 * width, 4 * width, 4, stride=2, padding=1),   # (N, 4 width, S/4, S/4)
            nn.BatchNorm2d(4 * width), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * width * base * base, n_features), nn.ReLU(),  # (N, n_features)
        )
        self.head = nn.Linear(n_features, n_classes)

    def forward(self, x):
        """Class logits (N, n_classes) of images x (N, C, S, S)."""
        return self.head(self.features(x))


def _batches(images, batch_size=500):
    """``images`` (N, C, H, W) in consecutive slices of at most ``batch_size``, as Tensors."""
    for start in range(0, images.shape[0], batch_size):
        yield Tensor(images[start:start + batch_size])


def features_and_probabilities(model, images):
    """The penultimate features (N, n_features) and class probabilities (N, n_classes), the
    softmax of the logits, of images (N, C, H, W), in evaluation mode, as host arrays."""
    xp = backend.get_array_module(images)
    features, probabilities = [], []
    was_training = model.training
    model.eval()
    with no_grad():
        for x in _batches(images):
            f = model.features(x)
            features.append(f.data)
            probabilities.append(nn.functional.softmax(model.head(f), 1).data)
    model.train(was_training)
    return backend.to_numpy(xp.concatenate(features)), backend.to_numpy(xp.concatenate(probabilities))


def features_and_predictions(model, images):
    """The penultimate features (N, n_features) and predicted classes (N,) of images
    (N, C, H, W), in evaluation mode, as host arrays."""
    features, probabilities = features_and_probabilities(model, images)
    return features, probabilities.argmax(axis=1)


def accuracy(model, data):
    """The fraction of ``data`` (an ``ImageData``) whose class ``model`` predicts right."""
    _, predictions = features_and_predictions(model, data.images)
    return float((predictions == backend.to_numpy(data.labels)).mean())


def train_classifier(train, test, steps=500, batch_size=64, lr=2e-3, seed=0, log=None, width=16,
                     n_features=64):
    """Train a ``ConvClassifier`` on ``train`` (an ``ImageData``); returns ``(model, test accuracy)``.

    Adam on the cross-entropy, with shuffled batches and a learning rate decaying linearly
    to 0; ``minigan.manual_seed(seed)`` is called first, so the same data and seed give the
    same weights. ``log(step, loss)`` is called every 100 steps when given. ``width`` and
    ``n_features`` size the model (see ``ConvClassifier``).
    """
    backend.manual_seed(seed)
    model = ConvClassifier(train.image_size, train.images.shape[1], train.n_classes, width, n_features)
    optimizer = Adam(model.parameters(), lr=lr)
    schedule = LambdaLR(optimizer, lambda t: 1 - t / steps)
    sampler = BatchSampler(len(train))
    for step in range(1, steps + 1):
        index = sampler.next(min(batch_size, len(train)))
        # minimise the cross-entropy -log p(label | image)
        loss = nn.functional.cross_entropy(model(Tensor(train.images[index])), train.labels[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if log is not None and step % 100 == 0:
            log(step, float(loss.data))
    return model.eval(), accuracy(model, test)


def save_classifier(path, model, test_accuracy, dataset):
    """Cache a trained classifier in ``path`` (``.npz``, no pickle), with its settings, its accuracy
    and ``dataset``, the key of the data it was trained on (``ImageData.key``)."""
    save_checkpoint(path, {"model": dict(model.state_dict()), "config": model.config,
                           "test_accuracy": test_accuracy, "dataset": dataset})


def _checked_state(path, state):
    """The cached state ``state`` of ``path``, every setting checked before a model is built."""
    if not {"model", "config", "test_accuracy", "dataset"} <= set(state) or not isinstance(state["config"], dict):
        raise ValueError(f"{path} is not a cached classifier (no model, config, accuracy and data set)")
    config = state["config"]
    if set(config) != set(CONFIG_LIMITS):
        raise ValueError(f"{path}: the cached classifier's settings are {sorted(config)}, "
                         f"expected {sorted(CONFIG_LIMITS)}")
    for name, (low, high) in CONFIG_LIMITS.items():
        value = config[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{path}: the cached classifier's {name} must be an integer in [{low}, {high}], "
                             f"got {value!r}")
    accuracy = state["test_accuracy"]
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float)) or not 0 <= accuracy <= 1:
        raise ValueError(f"{path}: the cached accuracy must be a number in [0, 1], got {accuracy!r}")
    if not isinstance(state["dataset"], str):
        raise ValueError(f"{path}: the cached data set's name must be text, got {state['dataset']!r}")
    return state


def load_classifier(path, dataset=None):
    """A classifier cached by ``save_classifier``: ``(model, test accuracy)``.

    ``dataset``, if given, must be the key of the data it was trained on. Raises
    ``FileNotFoundError`` or ``ValueError`` naming the file and the problem (a damaged file,
    settings out of range, weights that do not fit).
    """
    state = _checked_state(path, load_checkpoint(path))
    if dataset is not None and state["dataset"] != dataset:
        raise ValueError(f"{path} holds a classifier for {state['dataset']!r}, not {dataset!r}")
    try:
        model = ConvClassifier(**state["config"])
        model.load_state_dict(state["model"])
    except (ValueError, TypeError) as err:
        raise ValueError(f"{path}: the cached weights do not fit the classifier: {err}") from None
    return model.eval(), float(state["test_accuracy"])


def load_or_train_classifier(path, train, test, retrain=False, log=None):
    """The classifier cached at ``path``, or one trained now on ``train`` (and cached there).

    Returns ``(model, test accuracy, trained)`` where ``trained`` tells whether it was
    trained by this call. ``retrain=True`` trains even when a cache exists. A cached
    classifier must be ``train``'s (its key, image size, channels and classes).
    """
    if not retrain and os.path.lexists(path):
        model, test_accuracy = load_classifier(path, train.key)
        expected = dict(image_size=train.image_size, channels=int(train.images.shape[1]), n_classes=train.n_classes)
        found = {name: model.config[name] for name in expected}
        if found != expected:
            raise ValueError(f"{path} holds a classifier for images {found}, the data has {expected}")
        return model, test_accuracy, False
    model, test_accuracy = train_classifier(train, test, log=log)
    save_classifier(path, model, test_accuracy, train.key)
    return model, test_accuracy, True


def fid_name(dataset):
    """The score's name, which says whose features it uses: "FID (digits-classifier features)"."""
    return f"FID ({dataset}-classifier features)"


def class_histogram_scores(predictions, n_classes, min_share=MIN_SHARE):
    """``(classes covered, KL(histogram || uniform))`` of predicted classes (N,), N >= 1."""
    predictions = backend.to_numpy(predictions)
    if predictions.ndim != 1 or predictions.shape[0] == 0:
        raise ValueError(f"class_histogram_scores: predictions must have shape (N,) with N >= 1, "
                         f"got {predictions.shape}")
    xp = backend.get_array_module(predictions)
    p = xp.bincount(predictions, minlength=n_classes) / predictions.shape[0]
    covered = int((p >= min_share).sum())
    return covered, kl_to_uniform(p)


def classifier_score(model, images, reference):
    """The score of ``images`` (N, C, H, W) against the held-out real images.

    Args:
        model: a trained ``ConvClassifier``.
        images: the images to score, on the model's backend, in [-1, 1].
        reference: ``gaussian_stats`` of the model's features of the held-out real images.

    Returns a dict: ``fid`` (float), ``classes`` (int, out of ``n_classes``), ``n_classes``,
    ``kl_uniform`` (float), ``confidence`` (float).
    """
    features, probabilities = features_and_probabilities(model, images)
    n_classes = model.config["n_classes"]
    covered, kl = class_histogram_scores(probabilities.argmax(axis=1), n_classes)
    return {"fid": frechet_distance(*gaussian_stats(features), *reference), "classes": covered,
            "n_classes": n_classes, "kl_uniform": kl, "confidence": float(probabilities.max(axis=1).mean())}


def score_table(model, train, test, generated, n=1000):
    """The score of real training images (the floor), ``generated`` and noise (the ceiling).

    Args:
        model: a trained ``ConvClassifier``.
        train, test: ``ImageData`` (the classifier's and the GAN's training images; the
            held-out images every row is compared with).
        generated: generated images (M, C, H, W) in [-1, 1].
        n: images per row: the first ``n`` training images, and ``n`` noise images, each
            pixel uniform on [-1, 1], drawn from ``backend.rng()``.

    Returns ``{"real train (floor)": scores, "generated": scores, "noise (ceiling)": scores,
    "real held-out": scores}``; the last row is the reference itself (its FID is 0), there
    for the confidence and the class histogram of real images the classifier never saw.
    """
    reference = gaussian_stats(features_and_predictions(model, test.images)[0])
    noise = backend.rng().uniform(-1.0, 1.0, (n, *train.images.shape[1:])).astype("float32")
    rows = {"real train (floor)": train.images[:n], "generated": generated, "noise (ceiling)": noise,
            "real held-out": test.images}
    return {name: classifier_score(model, images, reference) for name, images in rows.items()}
