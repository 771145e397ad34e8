"""Conditional GANs: the label's path through G and D, the conditional step (cGAN and ACGAN),
the conditional scores, and spherical interpolation."""

import itertools

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.gan import slerp
from minigan.metrics import (
    conditional_accuracy, conditional_scores, mean_pairwise_distance, train_classifier, within_class_diversity,
)
from minigan.models import ACGANDiscriminator, ConditionalGenerator, ProjectionDiscriminator
from minigan.train import ConditionalGANTrainer, fit, load_checkpoint, save_checkpoint
from tests.test_classifier_score import strokes

K, Z = 4, 5  # the strokes' 4 classes; the noise size


def host(t):
    """A Tensor's values as a NumPy array."""
    return minigan.to_numpy(t.data)


def _models(acgan, width=4, dtype="float32", size=8, full_res_width=0):
    G = ConditionalGenerator(Z, K, size, width=width, dtype=dtype, full_res_width=full_res_width)
    D = (ACGANDiscriminator if acgan else ProjectionDiscriminator)(K, size, width=width, dtype=dtype,
                                                                   full_res_width=full_res_width)
    return G, D


def _trainer(acgan, seed=0, lr=1e-3, loss="non-saturating"):
    """A conditional trainer on a fixed batch of the synthetic strokes (4 classes of 8x8 images)."""
    minigan.manual_seed(seed)
    data = strokes(16, 0)
    G, D = _models(acgan)
    adam = lambda m: optim.Adam(m.parameters(), lr=lr, betas=(0.5, 0.999))  # noqa: E731
    return ConditionalGANTrainer(G, D, adam(G), adam(D), lambda n: (minigan.Tensor(data.images[:n]), data.labels[:n]),
                                 Z, K, batch_size=16, loss=loss, acgan=acgan)


def _labels(*values):
    return minigan.backend.xp().asarray(values, dtype="int64")


# ---------------------------------------------------------------- the models

@pytest.mark.parametrize("size, full_res_width, dtype", [(8, 0, "float32"), (8, 3, "float64"), (28, 2, "float32")])
def test_shapes_and_dtypes_of_both_models(xp, size, full_res_width, dtype):
    G, D = _models(False, dtype=dtype, size=size, full_res_width=full_res_width)
    _, A = _models(True, dtype=dtype, size=size, full_res_width=full_res_width)
    y = _labels(0, 3, 1)
    x = G(minigan.randn(3, Z, dtype=dtype), y)
    assert x.shape == (3, 1, size, size) and x.dtype == dtype and float(xp.abs(x.data).max()) <= 1
    logits = D(x, y)
    assert logits.shape == (3, 1) and logits.dtype == dtype
    logits, class_logits = A(x)
    assert logits.shape == (3, 1) and class_logits.shape == (3, K) and class_logits.dtype == dtype
    assert G.embed.weight.shape == (K, K) and D.embed.weight.shape == (K, D.head.in_features)


def test_changing_only_the_label_changes_the_sample(xp):
    G, _ = _models(False)
    G.eval()  # BatchNorm with its running statistics: each sample its own
    z = minigan.Tensor(xp.tile(minigan.randn(1, Z).data, (K, 1)))  # one z, asked for every class
    images = host(G(z, _labels(*range(K))))
    for a, b in itertools.combinations(range(K), 2):
        assert np.abs(images[a] - images[b]).max() > 1e-4, (a, b)
    np.testing.assert_array_equal(host(G(z, _labels(*range(K)))), images)  # and nothing else moves it


def test_the_cgan_discriminator_projects_its_features_on_the_labels_row(xp):
    _, D = _models(False)
    D.eval()
    x, y = minigan.randn(3, 1, 8, 8), _labels(2, 0, 3)
    h = host(D.features(x))
    head = h @ host(D.head.weight).T + host(D.head.bias)
    expected = head + (host(D.embed.weight)[minigan.to_numpy(y)] * h).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(host(D(x, y)), expected, rtol=1e-5, atol=1e-6)
    assert np.abs(host(D(x, _labels(1, 1, 1))) - host(D(x, y))).max() > 0  # another label, another logit


@pytest.mark.parametrize("labels, message", [
    (np.array([0.0, 1.0, 2.0]), "labels must be integer class indices (a Tensor or an array), got float64"),
    ([0, 1, 2], "labels must be integer class indices (a Tensor or an array), got list"),
    (np.array([[0], [1], [2]]), "labels must have shape (3,), one class per sample, got (3, 1)"),
    (np.array([0, 1]), "labels must have shape (3,), one class per sample, got (2,)"),
    (np.array([0, 1, 4]), "labels must be classes in [0, 3], got values from 0 to 4"),
    (np.array([-1, 1, 2]), "labels must be classes in [0, 3], got values from -1 to 2"),
])
def test_bad_labels_are_a_one_line_value_error_naming_the_problem(labels, message):
    G, D = _models(False)
    if isinstance(labels, np.ndarray):
        labels = minigan.backend.xp().asarray(labels)
    for model, call in ((G, lambda y: G(minigan.randn(3, Z), y)), (D, lambda y: D(minigan.randn(3, 1, 8, 8), y))):
        with pytest.raises(ValueError) as err:
            call(labels)
        assert str(err.value) == f"{type(model).__name__}: {message}"  # one line, the model's name first


# ---------------------------------------------------------------- the step

def _arrays(module):
    return [p.numpy().copy() for p in module.parameters()]


@pytest.mark.parametrize("acgan", [False, True])
def test_each_move_changes_only_its_own_network(xp, acgan):
    trainer = _trainer(acgan)
    G_before, D_before = _arrays(trainer.generator), _arrays(trainer.discriminator)
    trainer.discriminator_step()
    assert all(np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))
    assert all(not np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))  # the table too
    assert all(p.grad is None for p in trainer.generator.parameters())
    D_before = _arrays(trainer.discriminator)
    trainer.generator_step()
    assert all(np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))
    assert all(not np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))


@pytest.mark.parametrize("acgan", [False, True])
def test_short_run_moves_both_losses_and_acgans_class_losses(xp, acgan):
    trainer = _trainer(acgan)
    steps = [{k: float(v) for k, v in trainer.step().items()} for _ in range(31)]
    first, last = steps[0], steps[-1]
    assert np.isfinite(list(last.values())).all()
    assert first["d_loss"] - last["d_loss"] > 0.1  # D learns to tell
    assert max(abs(s["g_loss"] - first["g_loss"]) for s in steps) > 0.03  # and G's loss answers
    assert ("d_class" in last) == ("g_class" in last) == acgan
    if acgan:
        # at the start the class head knows nothing: -log(1/4) on each of D's two batches and on G's
        assert abs(first["d_class"] - 2 * np.log(K)) < 0.1 and abs(first["g_class"] - np.log(K)) < 0.1
        assert last["d_class"] < first["d_class"] - 0.5 and last["g_class"] < first["g_class"] - 0.2


@pytest.mark.parametrize("acgan", [False, True])
def test_the_labels_gradient_reaches_G_and_acgans_class_loss_alone_reaches_all_of_G(xp, acgan):
    trainer = _trainer(acgan)
    trainer.g_optimizer.step = lambda: None  # look at the gradients before they are applied
    if acgan:
        trainer.loss.g = lambda logits: (logits * 0.0).sum()  # leave only the class cross-entropy
    trainer.generator_step()
    for name, p in trainer.generator.named_parameters():
        assert p.grad is not None and float(xp.abs(p.grad.data).max()) > 0, name


def test_a_resumed_conditional_run_repeats_the_uninterrupted_one(tmp_path):
    trainer = _trainer(True, seed=3)
    for _ in range(3):
        trainer.step()
    save_checkpoint(tmp_path / "c.npz", trainer.state_dict())
    for _ in range(2):
        straight = trainer.step()
    resumed = _trainer(True, seed=99)  # another seed: everything must come from the checkpoint
    resumed.load_state_dict(load_checkpoint(tmp_path / "c.npz"))
    for _ in range(2):
        again = resumed.step()
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(trainer.generator), _arrays(resumed.generator)))
    assert float(straight["g_class"]) == float(again["g_class"])  # the same drawn labels and noise


def test_fit_logs_acgans_class_losses_and_the_trainer_checks_its_classes(xp):
    history = fit(_trainer(True), 2, log_every=1, progress=False)
    assert all({"d_class", "g_class", "d_loss"} <= set(record) for record in history)
    with pytest.raises(ValueError, match="n_classes must be a positive integer, got 0"):
        ConditionalGANTrainer(*_models(False), None, None, None, Z, 0)


def test_a_penalty_loss_differentiates_D_at_the_real_batchs_classes(xp):
    trainer = _trainer(False, loss="ns-r1")
    _, labels = trainer.sample_real(16)  # the trainer's fixed real batch
    seen = []

    def penalty(critic, real, fake):  # what the penalty's critic says, next to D at the real labels; no penalty
        seen.append((host(critic(real)), host(trainer.discriminator(real, labels))))

    trainer.loss.penalty = penalty
    trainer.discriminator_step()
    np.testing.assert_array_equal(*seen[0])


# ---------------------------------------------------------------- the scores

def test_conditional_accuracy_against_a_direct_count():
    labels = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2])
    predictions = np.array([0, 1, 1, 1, 0, 2, 2, 2, 1])
    overall, per_class = conditional_accuracy(predictions, labels, 3)
    assert overall == 6 / 9 and per_class == [1 / 2, 2 / 3, 3 / 4]
    with pytest.raises(ValueError, match="class 3 has 0 images, at least 1 needed"):
        conditional_accuracy(predictions, labels, 4)
    with pytest.raises(ValueError, match=r"labels must be classes in \[0, 1\], got values from 0 to 2"):
        conditional_accuracy(predictions, labels, 2)
    with pytest.raises(ValueError, match=r"integer class indices of shape \(9,\), got float64"):
        conditional_accuracy(predictions, labels.astype(float), 3)


def test_within_class_diversity_against_direct_pairwise_distances():
    rng = np.random.default_rng(0)
    features, labels = rng.normal(size=(11, 3)), np.array([0, 1] * 5 + [1])
    real, real_labels = rng.normal(size=(7, 3)) * 2, np.array([0, 0, 0, 1, 1, 1, 1])

    def direct(f):
        return np.mean([np.linalg.norm(a - b) for a, b in itertools.combinations(f, 2)])

    expected = [direct(features[labels == k]) / direct(real[real_labels == k]) for k in (0, 1)]
    overall, per_class = within_class_diversity(features, labels, real, real_labels, 2)
    np.testing.assert_allclose(per_class, expected, rtol=1e-12)
    assert overall == pytest.approx(np.mean(expected), rel=1e-12)
    assert mean_pairwise_distance(np.ones((4, 3))) == 0  # identical images: no diversity, no NaN
    with pytest.raises(ValueError, match="class 0 has 1 images, at least 2 needed"):
        within_class_diversity(features, labels, real[2:], real_labels[2:], 2)


def test_real_images_asked_for_their_own_classes_score_the_classifiers_accuracy_and_diversity_1(xp):
    train, test = strokes(64, 0), strokes(40, 1)
    model, accuracy = train_classifier(train, test, steps=20, batch_size=16, width=2, n_features=4)
    scores = conditional_scores(model, test.images, test.labels, test.images, test.labels)
    assert scores["accuracy"] == pytest.approx(accuracy) and len(scores["per_class_accuracy"]) == K
    np.testing.assert_allclose(scores["per_class_diversity"], 1.0, rtol=1e-9)


# ---------------------------------------------------------------- spherical interpolation

def test_slerp_keeps_the_norm_where_the_straight_line_shrinks_it(xp):
    z0, z1 = minigan.randn(512, dtype="float64").data, minigan.randn(512, dtype="float64").data
    z1 = z1 * (xp.linalg.norm(z0) / xp.linalg.norm(z1))  # equal norms
    t = xp.linspace(0.0, 1.0, 9)
    path = host(slerp(z0, z1, t))
    a, b = minigan.to_numpy(z0), minigan.to_numpy(z1)
    assert path.shape == (9, 512)
    np.testing.assert_allclose(path[[0, -1]], [a, b], atol=1e-12)  # the endpoints
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), np.linalg.norm(a), rtol=1e-12)  # on the sphere
    omega = np.arccos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    angles = np.arccos(np.clip(path @ a / np.linalg.norm(path, axis=1) / np.linalg.norm(a), -1, 1))
    np.testing.assert_allclose(angles, minigan.to_numpy(t) * omega, atol=1e-6)  # at a constant speed
    # two 512-d Gaussian vectors are nearly orthogonal: the straight midpoint is ~1/sqrt(2) as long
    assert abs(np.linalg.norm((a + b) / 2) / np.linalg.norm(a) - 2 ** -0.5) < 0.05


def test_slerp_shapes_dtypes_and_the_straight_line_for_parallel_vectors(xp):
    z = minigan.randn(3, Z)  # float32 Tensors
    w = minigan.randn(3, Z)
    middle = slerp(z, w, 0.5)
    assert middle.shape == (3, Z) and middle.dtype == "float32"
    assert slerp(z, w, xp.linspace(0.0, 1.0, 4)).shape == (4, 3, Z)
    np.testing.assert_allclose(host(slerp(z, z * 2.0, 0.25)), 1.25 * host(z), rtol=1e-6)  # parallel: the line
    with pytest.raises(ValueError, match="one shape"):
        slerp(z, minigan.randn(2, Z), 0.5)
