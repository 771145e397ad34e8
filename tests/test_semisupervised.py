"""The semi-supervised GAN: its losses against their formulas and finite differences, the label
draw, the classifier, and the trainer's moves (feature matching reaches G; exact resume)."""

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.autograd.gradcheck import gradcheck
from minigan.data import ImageData
from minigan.data.labels import split_labelled
from minigan.gan.semisupervised import feature_matching_loss, real_probability, supervised_loss, unsupervised_loss
from minigan.models import dcgan_generator
from minigan.models.semisupervised import GaussianNoise, SemiSupervisedClassifier
from minigan.train import fit, load_checkpoint, save_checkpoint
from minigan.train.semisupervised import SemiSupervisedGANTrainer
from tests.helpers import tensor

REAL = np.array([[0.5, -1.0, 2.0], [-3.0, -2.0, -4.0], [1.0, 1.0, 0.0]])
FAKE = np.array([[-1.0, 0.0, -2.0], [4.0, -1.0, 0.5]])


def test_unsupervised_loss_is_its_formula_with_the_fake_logit_at_zero(xp):
    Z_real, Z_fake = np.exp(REAL).sum(1), np.exp(FAKE).sum(1)
    # -log D(x) - log(1 - D(G(z))) with D = Z / (Z + 1): the K+1-class softmax's "real" mass
    expected = -np.log(Z_real / (Z_real + 1)).mean() - np.log(1 / (Z_fake + 1)).mean()
    loss = unsupervised_loss(tensor(xp, REAL), tensor(xp, FAKE))
    assert np.isclose(loss.item(), expected, rtol=1e-12)
    # the same as the K+1-class softmax with an explicit logit 0 for "generated"
    with_zero = np.concatenate([REAL, np.zeros((3, 1))], 1)
    p_generated = np.exp(with_zero)[:, -1] / np.exp(with_zero).sum(1)
    np.testing.assert_allclose(minigan.to_numpy(real_probability(tensor(xp, REAL))), 1 - p_generated, rtol=1e-12)


def test_unsupervised_loss_is_finite_for_huge_logits(xp):
    real, fake = np.array([[1000.0, -1000.0], [-1000.0, -1000.0]]), np.array([[1000.0, 999.0], [-1000.0, -1000.0]])
    r, f = tensor(xp, real), tensor(xp, fake)
    loss = unsupervised_loss(r, f)
    loss.backward()
    # real row 2 and fake row 1 are confidently wrong: each costs about 1000, the others about 0
    assert np.isclose(loss.item(), (1000 - np.log(2)) / 2 + (1000 + np.log1p(np.exp(-1))) / 2, rtol=1e-9)
    assert np.isfinite(minigan.to_numpy(r.grad.data)).all() and np.isfinite(minigan.to_numpy(f.grad.data)).all()


def test_the_losses_gradients_match_finite_differences(xp):
    rng = np.random.default_rng(0)
    real, fake = tensor(xp, rng.normal(size=(4, 3)) * 2), tensor(xp, rng.normal(size=(5, 3)) * 2)
    gradcheck(unsupervised_loss, [real, fake])
    labels = xp.asarray([2, 0, 1, 2])
    gradcheck(lambda x: supervised_loss(x, labels), [real])
    features_real, features_fake = tensor(xp, rng.normal(size=(4, 6))), tensor(xp, rng.normal(size=(5, 6)))
    gradcheck(feature_matching_loss, [features_real, features_fake])


def test_a_wrong_logits_shape_is_a_clear_error(xp):
    with pytest.raises(ValueError, match=r"expected class logits \(N, K\), got shape \(3,\)"):
        unsupervised_loss(tensor(xp, np.zeros(3)), tensor(xp, np.zeros((3, 2))))


def _toy_data(n=60, classes=3, size=8, seed=0):
    """Random images (n, 1, size, size) in [-1, 1] with labels 0..classes-1, each class at least n // classes - 2."""
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.arange(classes).repeat(n // classes - 2), rng.integers(0, classes, 2 * classes)])
    return ImageData(rng.uniform(-1, 1, (n, 1, size, size)), labels, "toy", classes)


def test_the_label_draw_is_stratified_seeded_and_takes_only_from_the_split_given():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits as sklearn_digits

    from minigan.data import load_digits

    train, test = load_digits()
    labelled, unlabelled = split_labelled(train, 10, seed=3)
    assert np.array_equal(np.bincount(minigan.to_numpy(labelled.labels)), [10] * 10)  # stratified
    assert len(labelled) + len(unlabelled) == len(train)
    assert not set(labelled.indices) & set(unlabelled.indices)
    assert set(labelled.indices) | set(unlabelled.indices) == set(train.indices)
    assert not set(train.indices) & set(test.indices)  # so none is a test image
    again, _ = split_labelled(train, 10, seed=3)
    other, _ = split_labelled(train, 10, seed=4)
    assert np.array_equal(again.indices, labelled.indices) and not np.array_equal(other.indices, labelled.indices)
    # indices name each image in scikit-learn's load_digits() order
    digits = sklearn_digits()
    some = labelled.indices[:5]
    np.testing.assert_array_equal(digits.target[some], minigan.to_numpy(labelled.labels[:5]))
    np.testing.assert_allclose(digits.images[some] / 8 - 1, minigan.to_numpy(labelled.images[:5, 0]), atol=1e-6)


def test_impossible_label_counts_are_refused():
    data = _toy_data()
    rarest = np.bincount(minigan.to_numpy(data.labels)).min()
    with pytest.raises(ValueError, match="labels per class must be an integer >= 1, got 0"):
        split_labelled(data, 0, 0)
    with pytest.raises(ValueError, match=f"more than the {rarest} training images of class"):
        split_labelled(data, rarest + 1, 0)


def test_noise_and_dropout_act_in_training_mode_only():
    model = SemiSupervisedClassifier(8, 1, 3, width=2, n_features=4, input_noise=0.5, dropout=0.5)
    x = minigan.Tensor(_toy_data().images[:4])
    assert model(x).shape == (4, 3) and model.features(x).shape == (4, 4)
    assert not np.array_equal(model(x).numpy(), model(x).numpy())  # fresh noise at every call
    model.eval()
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        GaussianNoise(-1.0)


def _trainer(gan=True, seed=0):
    """A small semi-supervised GAN (or, ``gan=False``, its classifier alone) on toy images; ``seed``
    seeds the weights and batch orders, the label draw is always the same."""
    minigan.manual_seed(seed)
    labelled, unlabelled = split_labelled(_toy_data(), 4, seed=0)
    D = SemiSupervisedClassifier(8, 1, 3, width=2, n_features=4, input_noise=0.3, dropout=0.2)
    G = dcgan_generator(4, 8, 1, width=2) if gan else None
    return SemiSupervisedGANTrainer(G, D, optim.Adam(G.parameters(), lr=1e-2) if gan else None,
                                    optim.Adam(D.parameters(), lr=1e-2), labelled, unlabelled, z_dim=4,
                                    batch_size=8)


def test_feature_matching_reaches_every_weight_of_g_and_leaves_d_alone():
    trainer = _trainer()
    G, D = trainer.generator, trainer.discriminator
    before = [p.data.copy() for p in D.parameters()]
    g_loss = trainer.generator_step()
    assert g_loss.item() > 0
    for name, p in G.named_parameters():
        assert p.grad is not None and np.abs(minigan.to_numpy(p.grad.data)).max() > 0, name
    assert all(p.grad is None for p in D.parameters())
    assert all(np.array_equal(b, p.data) for b, p in zip(before, D.parameters()))


def test_the_unlabelled_images_reach_the_classifier():
    trainer = _trainer()
    D = trainer.discriminator
    real, fake = trainer.sample_real(8), trainer.generator(trainer.noise(8)).detach()
    unsupervised_loss(D(real), D(fake)).backward()
    # no label was read, yet every weight of the classifier, its class head too, has a gradient
    for name, p in D.named_parameters():
        assert np.abs(minigan.to_numpy(p.grad.data)).max() > 0, name


def test_a_resumed_run_continues_exactly(tmp_path):
    for gan in (True, False):
        straight = _trainer(gan)
        for _ in range(5):
            straight.step()
        first = _trainer(gan)
        for _ in range(3):
            first.step()
        save_checkpoint(tmp_path / "c.npz", first.state_dict())
        resumed = _trainer(gan, seed=1)  # other weights, batch orders and RNG: all replaced by the checkpoint's
        resumed.load_state_dict(load_checkpoint(tmp_path / "c.npz"))
        for _ in range(2):
            resumed.step()
        for a, b in zip(straight.state_dict()["discriminator"].values(),
                        resumed.state_dict()["discriminator"].values()):
            np.testing.assert_array_equal(minigan.to_numpy(a), minigan.to_numpy(b))
        other = _trainer(not gan)
        with pytest.raises(ValueError, match="trained with(out)? a generator; resume it the same way"):
            other.load_state_dict(load_checkpoint(tmp_path / "c.npz"))


def test_fit_trains_the_classifier_alone_and_logs_its_statistics():
    trainer = _trainer(gan=False)
    history = fit(trainer, 4, log_every=2, progress=False)
    assert [r["step"] for r in history] == [2, 4]
    assert set(history[-1]) == {"step", "d_loss", "labelled_loss", "d_grad_norm"}
    assert history[-1]["d_loss"] == history[-1]["labelled_loss"] > 0
    gan = fit(_trainer(), 2, log_every=2, progress=False)[-1]
    assert {"g_loss", "d_real", "d_fake", "g_grad_norm"} <= set(gan) and 0 < gan["d_fake"] < 1
