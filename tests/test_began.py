"""BEGAN: the autoencoder's shapes and L(v)'s gradient, the controller and M_global, the step's
moves, a resumed run's k_t; and Spearman's rank correlation and the diversity by predicted class."""

import math

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.metrics import predicted_class_diversity, rankdata, spearman, within_class_diversity
from minigan.models import BEGANDiscriminator, BEGANGenerator, reconstruction_loss
from minigan.train import BEGANTrainer, load_checkpoint, save_checkpoint
from tests.test_classifier_score import strokes

Z = 5  # the noise size, and D's embedding size


def _trainer(seed=0, gamma=0.5, k=0.0, lambda_k=0.001, lr=1e-3, dtype="float32", width=4, images=None):
    """A BEGAN trainer on a fixed batch of the synthetic strokes (8x8 images)."""
    minigan.manual_seed(seed)
    images = strokes(16, 0).images if images is None else images
    G, D = BEGANGenerator(Z, 8, 1, width, dtype), BEGANDiscriminator(8, 1, width, Z, dtype)
    adam = lambda m: optim.Adam(m.parameters(), lr=lr, betas=(0.5, 0.999))  # noqa: E731
    xp = minigan.backend.xp()
    return BEGANTrainer(G, D, adam(G), adam(D), lambda n: minigan.Tensor(xp.asarray(images[:n], dtype=dtype)), Z,
                        gamma=gamma, lambda_k=lambda_k, k=k, batch_size=16)


def _arrays(module):
    return [p.numpy().copy() for p in module.parameters()]


# ---------------------------------------------------------------- the networks and L(v)

@pytest.mark.parametrize("size", [8, 28])
def test_shapes_and_the_generators_range(xp, size):
    G, D = BEGANGenerator(Z, size, 1, 4), BEGANDiscriminator(size, 1, 4, Z)
    images = G(minigan.randn(3, Z) * 100.0)  # a large input: Tanh still bounds the images
    assert images.shape == (3, 1, size, size) and images.dtype == "float32"
    assert float(xp.abs(images.data).max()) <= 1.0
    assert D(images).shape == (3, 1, size, size)
    assert D.encoder(images).shape == (3, Z)
    assert "decoder.0.weight" in dict(G.named_parameters()) and "encoder.0.weight" in dict(D.named_parameters())


def test_the_initialisation_lets_the_noise_and_the_image_through(xp):
    """With PyTorch's default initialisation these ten-layer networks start collapsed: the
    pixels' spread over 64 inputs was 0.02 for G's images and 0.0002 for D's reconstructions."""
    G, D = BEGANGenerator(32, 8, 1, 16), BEGANDiscriminator(8, 1, 16, 32)
    images = minigan.to_numpy(G(minigan.randn(64, 32)).data)
    reconstructions = minigan.to_numpy(D(minigan.Tensor(xp.asarray(strokes(64, 3).images))).data)
    assert images.std(axis=0).mean() > 0.2 and reconstructions.std(axis=0).mean() > 0.2
    for layer in G.decoder:
        if isinstance(layer, minigan.nn.Conv2d):
            assert float(xp.abs(layer.bias.data).max()) == 0.0  # He: biases start at 0


def test_the_reconstruction_loss_is_the_mean_absolute_error(xp):
    D = BEGANDiscriminator(8, 1, 4, Z, "float64")
    v = minigan.Tensor(xp.asarray(strokes(6, 1).images, dtype="float64"))
    expected = np.abs(minigan.to_numpy(v.data) - minigan.to_numpy(D(v).data)).mean()
    assert float(reconstruction_loss(D, v).data) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("wrt", ["D", "v"])
def test_the_reconstruction_losss_gradient_matches_finite_differences(wrt):
    """dL/d(D's parameters), and dL/dv through both of v's paths into |D(v) - v|, in float64."""
    minigan.manual_seed(0)
    D = BEGANDiscriminator(8, 1, 2, 3, "float64")
    noise = 0.1 * np.random.default_rng(0).normal(size=(4, 1, 8, 8))  # no pixel at the kink |D(v) - v| = 0
    noisy = minigan.to_numpy(strokes(4, 2).images) + noise
    v = minigan.Tensor(minigan.backend.xp().asarray(noisy), requires_grad=wrt == "v")
    # D's parameters at both ends of the encoder and of the decoder: the gradient crosses all of D to reach them
    ends = (D.encoder[0], D.encoder[-1], D.decoder[0], D.decoder[-1])
    inputs = [p for layer in ends for p in layer.parameters()] if wrt == "D" else [v]
    minigan.gradcheck(lambda *_: reconstruction_loss(D, v), inputs, atol=1e-7, rtol=1e-4)


# ---------------------------------------------------------------- the controller and M_global

@pytest.mark.parametrize("k, l_real, l_fake, expected", [
    (0.3, 0.4, 0.1, 0.3 + 0.001 * (0.5 * 0.4 - 0.1)),  # G's images reconstructed too well: k grows
    (0.3, 0.4, 0.5, 0.3 + 0.001 * (0.5 * 0.4 - 0.5)),  # too badly: k shrinks
    (0.0, 0.4, 0.5, 0.0),  # clipped at 0
    (0.9999, 0.4, 0.0, 1.0),  # clipped at 1
])
def test_the_controller_moves_k_by_lambda_k_times_the_error_and_clips_it(k, l_real, l_fake, expected):
    trainer = _trainer(k=k)
    m_global = trainer.control(l_real, l_fake)
    assert float(trainer.k) == pytest.approx(expected, abs=1e-15)
    assert float(m_global) == pytest.approx(l_real + abs(0.5 * l_real - l_fake), abs=1e-15)


def test_each_step_reports_m_global_and_k_by_their_formulas(xp):
    trainer = _trainer(gamma=0.7, k=0.2)
    k = 0.2
    for _ in range(3):
        stats = {name: float(value) for name, value in trainer.step().items()}
        error = 0.7 * stats["d_real"] - stats["g_loss"]  # gamma L(x) - L(G(z_G))
        k = min(max(k + 0.001 * error, 0.0), 1.0)
        assert stats["k"] == pytest.approx(k, abs=1e-9)  # the error is computed in the losses' float32
        assert stats["m_global"] == pytest.approx(stats["d_real"] + abs(error), rel=1e-6)
    assert stats["d_loss"] != pytest.approx(stats["d_real"])  # k > 0: L_D = L(x) - k L(G(z_D)) is not L(x)


def test_the_trainer_checks_gamma_lambda_k_and_k():
    for name, value in (("gamma", 0.0), ("gamma", 1.5), ("gamma", math.nan), ("lambda_k", 0.0), ("k", -0.1),
                        ("k", 1.01), ("gamma", True)):
        with pytest.raises(ValueError, match=f"{name} must be a number in"):
            _trainer(**{name: value})
    _trainer(gamma=1.0, k=1.0)  # the ends that are allowed


# ---------------------------------------------------------------- the step

def test_each_move_changes_only_its_own_network(xp):
    trainer = _trainer()
    G_before, D_before = _arrays(trainer.generator), _arrays(trainer.discriminator)
    trainer.discriminator_step()
    assert all(np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))
    assert all(not np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))
    D_before = _arrays(trainer.discriminator)
    trainer.generator_step()
    assert all(np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))
    assert all(not np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))


@pytest.mark.parametrize("k", [0.0, 0.5])
def test_ds_gradient_is_l_real_minus_k_times_l_fake(xp, k):
    """D's gradient is dL(x)/dtheta - k dL(G(z))/dtheta: at k = 0 generated images do not move D at all."""
    trainer = _trainer(k=k, dtype="float64")
    trainer.d_optimizer.step = lambda: None  # look at the gradients before they are applied
    state = minigan.backend.get_rng_state()
    trainer.discriminator_step()
    gradients = [minigan.to_numpy(p.grad.data) for p in trainer.discriminator.parameters()]
    minigan.backend.set_rng_state(state)  # the same real batch and noise again
    real = trainer.sample_real(16)
    with minigan.no_grad():
        fake = trainer.generator(trainer.noise(16))
    D = trainer.discriminator
    parameters = list(D.parameters())
    real_grads = minigan.autograd.grad(reconstruction_loss(D, real), parameters)
    fake_grads = minigan.autograd.grad(reconstruction_loss(D, fake), parameters)
    for got, g_real, g_fake in zip(gradients, real_grads, fake_grads):
        np.testing.assert_allclose(got, minigan.to_numpy(g_real.data) - k * minigan.to_numpy(g_fake.data),
                                   rtol=1e-9, atol=1e-12)


def test_gs_gradient_reaches_all_of_G_through_the_autoencoder(xp):
    trainer = _trainer()
    trainer.g_optimizer.step = lambda: None
    trainer.generator_step()
    for name, p in trainer.generator.named_parameters():
        assert p.grad is not None and float(xp.abs(p.grad.data).max()) > 0, name


def test_a_resumed_began_run_continues_k_exactly(tmp_path):
    trainer = _trainer(seed=3, k=0.5, lambda_k=0.05, lr=1e-2)  # a gain large enough that k moves visibly
    for _ in range(3):
        trainer.step()
    assert 0 < float(trainer.k) < 1 and float(trainer.k) != 0.5
    save_checkpoint(tmp_path / "c.npz", trainer.state_dict())
    straight = [{k: float(v) for k, v in trainer.step().items()} for _ in range(3)]
    resumed = _trainer(seed=99, k=0.9, lambda_k=0.05, lr=1e-2)  # another seed and k_0: all from the checkpoint
    resumed.load_state_dict(load_checkpoint(tmp_path / "c.npz"))
    again = [{k: float(v) for k, v in resumed.step().items()} for _ in range(3)]
    assert [s["k"] for s in again] == [s["k"] for s in straight]  # exactly, not approximately
    assert again == straight
    with pytest.raises(ValueError, match=r"its k must be a number in \[0, 1\], got 1.5"):
        resumed.load_state_dict({**trainer.state_dict(), "k": 1.5})


# ---------------------------------------------------------------- Spearman's rank correlation

def test_ranks_average_ties():
    np.testing.assert_array_equal(rankdata([10, 20, 20, 30]), [1, 2.5, 2.5, 4])
    np.testing.assert_array_equal(rankdata([3.0, 1.0, 3.0, 3.0, 0.5]), [4, 2, 4, 4, 1])


def test_spearman_on_a_hand_computed_case_with_a_tie():
    # ranks of x: 1, 2.5, 2.5, 4; of y: 1, 3, 2, 4; deviations from 2.5: (-1.5, 0, 0, 1.5) and
    # (-1.5, 0.5, -0.5, 1.5); rho = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(3 / math.sqrt(10), rel=1e-12)
    assert spearman([1, 2, 3, 4], [1, 8, 27, 1000]) == pytest.approx(1.0)  # monotone, not linear: still 1
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(spearman([1, 2, 3], [5, 5, 5]))  # a constant series has no order
    with pytest.raises(ValueError, match="same length >= 2"):
        spearman([1, 2, 3], [1, 2])


def test_spearman_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    for _ in range(20):
        x, y = rng.integers(0, 5, 12), rng.normal(size=12)  # many ties in x
        assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], rel=1e-12)


# ---------------------------------------------------------------- diversity by predicted class

def test_the_diversity_by_predicted_class_leaves_out_classes_with_fewer_than_two_images(monkeypatch):
    rng = np.random.default_rng(0)
    features, predictions = rng.normal(size=(9, 3)), np.array([0, 0, 0, 2, 2, 2, 2, 1, 0])  # class 1: one image
    real_features, real_labels = rng.normal(size=(9, 3)), np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    answers = {"generated": (features, predictions), "real": (real_features, None)}
    monkeypatch.setattr("minigan.metrics.conditional.features_and_predictions", lambda model, images: answers[images])
    model = type("Classifier", (), {"config": {"n_classes": 3}})()
    mean, per_class = predicted_class_diversity(model, "generated", "real", real_labels)
    assert per_class[1] is None
    kept = predictions != 1
    expected = within_class_diversity(features[kept], predictions[kept] // 2, real_features[real_labels != 1],
                                      real_labels[real_labels != 1] // 2, 2)  # classes 0 and 2 as 0 and 1
    assert mean == pytest.approx(expected[0]) and [per_class[0], per_class[2]] == pytest.approx(expected[1])
