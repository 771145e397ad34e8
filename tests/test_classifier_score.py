"""The classifier score: class histograms, caching, and the whole pipeline on
synthetic images (always) and on the real digits (with scikit-learn)."""

import re

import numpy as np
import pytest

import minigan
from minigan.data import ImageData, load_digits
from minigan.metrics import (
    ConvClassifier, class_histogram_scores, classifier_score, features_and_predictions,
    features_and_probabilities, fid_name, gaussian_stats, load_classifier, load_or_train_classifier, save_classifier, score_table,
    train_classifier,
)
from minigan.train import load_checkpoint, save_checkpoint


def strokes(n, seed):
    """``n`` synthetic 8x8 "digits" of 4 classes (a horizontal, vertical, diagonal or
    anti-diagonal stroke at a random offset, plus noise) in [-1, 1], as ``ImageData``."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    images = np.full((n, 1, 8, 8), -1.0)
    for i, (label, offset) in enumerate(zip(labels, rng.integers(2, 6, n))):
        canvas = images[i, 0]
        if label == 0:
            canvas[offset, 1:7] = 1
        elif label == 1:
            canvas[1:7, offset] = 1
        else:
            diagonal = np.eye(8, k=offset - 4) > 0
            canvas[diagonal if label == 2 else diagonal[::-1]] = 1
    images = np.clip(images + rng.normal(0, 0.2, images.shape), -1, 1)
    return ImageData(images, labels, "strokes", n_classes=4)


@pytest.fixture(scope="module")
def trained():
    """A classifier trained briefly on the synthetic strokes, and its train and test data."""
    train, test = strokes(400, 0), strokes(300, 1)
    # 80 steps: at 40, seeds 0-7 ended between 79% and 100% on NumPy (and 80% on a GPU's cuRAND
    # stream); at 80 every one of them, on NumPy and on the CuPy stand-in, reached 100%
    model, test_accuracy = train_classifier(train, test, steps=80, batch_size=32, width=4, n_features=16)
    return model, test_accuracy, train, test


def test_class_histogram_scores_exact_values():
    assert class_histogram_scores(np.arange(10).repeat(3), 10) == (10, pytest.approx(0.0))
    covered, kl = class_histogram_scores(np.zeros(50, dtype=int), 10)
    assert covered == 1 and kl == pytest.approx(np.log(10))  # all on one class: log K
    covered, kl = class_histogram_scores(np.array([0] * 99 + [1]), 4, min_share=0.05)
    assert covered == 1  # class 1 has 1% of the images, under the 5% share
    assert kl == pytest.approx(0.99 * np.log(0.99 * 4) + 0.01 * np.log(0.01 * 4))
    with pytest.raises(ValueError, match=r"predictions must have shape \(N,\)"):
        class_histogram_scores(np.zeros((2, 2), dtype=int), 4)


def test_classifier_learns_the_synthetic_strokes(trained):
    model, test_accuracy, _, test = trained
    assert test_accuracy > 0.95
    features, predictions = features_and_predictions(model, test.images)
    assert features.shape == (len(test), 16) and predictions.shape == (len(test),)
    assert model.training is False


def test_real_vs_real_is_near_zero_and_noise_is_far(trained):
    model, _, train, test = trained
    generated = strokes(300, 2).images  # a "perfect generator": fresh samples of the same data
    table = score_table(model, train, test, generated, n=300)
    floor, perfect, noise = table["real train (floor)"], table["generated"], table["noise (ceiling)"]
    assert floor["classes"] == perfect["classes"] == 4 and floor["kl_uniform"] < 0.02
    assert noise["fid"] > 20 * max(floor["fid"], perfect["fid"])
    one_class = train.images[minigan.to_numpy(train.labels) == 0][:50]  # a collapsed generator
    collapsed = classifier_score(model, one_class, gaussian_stats(features_and_predictions(model, test.images)[0]))
    assert collapsed["classes"] == 1 and collapsed["kl_uniform"] == pytest.approx(np.log(4), abs=0.05)
    assert collapsed["fid"] > 5 * floor["fid"]
    held_out = table["real held-out"]  # the reference itself
    assert held_out["fid"] == pytest.approx(0, abs=1e-3) and held_out["classes"] == 4


def test_confidence_is_the_mean_top_class_probability(trained):
    model, _, train, test = trained
    features, probabilities = features_and_probabilities(model, test.images)
    np.testing.assert_array_equal(features, features_and_predictions(model, test.images)[0])
    with minigan.no_grad():
        logits = minigan.to_numpy(model(minigan.Tensor(test.images)).data).astype(np.float64)
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probabilities, softmax, rtol=1e-4, atol=1e-6)
    table = score_table(model, train, test, test.images, n=300)
    assert table["generated"]["confidence"] == pytest.approx(softmax.max(axis=1).mean(), rel=1e-5)
    assert all(0.25 <= row["confidence"] <= 1 for row in table.values())  # from 1 / K to 1


def test_cache_round_trip_and_clear_errors(trained, tmp_path):
    model, test_accuracy, train, test = trained
    path = tmp_path / "classifier.npz"
    save_classifier(path, model, test_accuracy, "strokes")
    loaded, accuracy = load_classifier(path, "strokes")
    assert accuracy == test_accuracy
    assert np.array_equal(features_and_predictions(loaded, test.images)[0],
                          features_and_predictions(model, test.images)[0])
    cached, _, was_trained = load_or_train_classifier(path, train, test)
    assert not was_trained and isinstance(cached, ConvClassifier)
    with pytest.raises(ValueError, match="holds a classifier for 'strokes', not 'digits'"):
        load_classifier(path, "digits")
    save_checkpoint(tmp_path / "other.npz", {"steps": 3})
    with pytest.raises(ValueError, match="is not a cached classifier"):
        load_classifier(tmp_path / "other.npz")


def test_fid_is_named_for_its_features():
    assert fid_name("digits") == "FID (digits-classifier features)"


def test_on_the_real_digits_real_is_near_zero_and_noise_is_far():
    pytest.importorskip("sklearn", reason="the 8x8 digits need scikit-learn: pip install -e '.[digits]'")
    train, test = load_digits()
    # a smaller, briefer classifier than the demo's (which trains 500 steps to >= 97%)
    model, test_accuracy = train_classifier(train, test, steps=60, width=8, n_features=32)
    assert test_accuracy > 0.85
    table = score_table(model, train, test, test.images[:2], n=500)
    floor, noise = table["real train (floor)"], table["noise (ceiling)"]
    assert floor["classes"] == 10 and floor["kl_uniform"] < 0.05
    assert noise["fid"] > 20 * floor["fid"]


@pytest.mark.parametrize("entry, value, message", [
    ("config/width", 10**9, "the cached classifier's width must be an integer in [1, 256], got 1000000000"),
    ("config/image_size", "8", "the cached classifier's image_size must be an integer"),
    ("config/depth", 3, "the cached classifier's settings are"),
    ("test_accuracy", 7.0, "the cached accuracy must be a number in [0, 1], got 7.0"),
    ("model/head.weight", None, "the cached weights do not fit the classifier: error(s) in loading state_dict"),
])
def test_a_damaged_cache_is_refused_before_a_model_is_built(trained, tmp_path, entry, value, message):
    model, test_accuracy, train, _ = trained
    path = tmp_path / "classifier.npz"
    save_classifier(path, model, test_accuracy, train.key)
    state = load_checkpoint(path)
    part, name = entry.split("/") if "/" in entry else (None, entry)
    (state[part] if part else state)[name] = value
    save_checkpoint(path, state)
    with pytest.raises(ValueError, match=re.escape(message)):
        load_classifier(path)


def test_a_cache_for_other_images_is_refused(trained, tmp_path):
    model, test_accuracy, train, test = trained
    path = tmp_path / "classifier.npz"
    save_classifier(path, model, test_accuracy, train.key)
    wider = ImageData(np.zeros((4, 1, 12, 12)), np.arange(4), "strokes", n_classes=4)
    with pytest.raises(ValueError, match="holds a classifier for images .*'image_size': 8.*'image_size': 12"):
        load_or_train_classifier(path, wider, test)
