"""InfoGAN: the best one-to-one assignment, the code's path through G and Q, the information
loss and its gradients, and the InfoGAN step."""

import itertools
import math

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.metrics import linear_sum_assignment, unsupervised_accuracy
from minigan.models import InfoGANDiscriminator, InfoGANGenerator
from minigan.train import InfoGANTrainer, load_checkpoint, save_checkpoint
from tests.test_classifier_score import strokes

K, Z, C = 4, 5, 2  # the categorical code's values (the strokes' 4 classes); the noise size; continuous codes


def host(t):
    """A Tensor's values as a NumPy array."""
    return minigan.to_numpy(t.data)


def _models(width=4, dtype="float32", z_dim=Z):
    return (InfoGANGenerator(z_dim, K, C, 8, width=width, dtype=dtype),
            InfoGANDiscriminator(K, C, 8, width=width, dtype=dtype))


def _trainer(seed=0, lr=1e-3, images=None, dtype="float32", width=4, z_dim=Z):
    """An InfoGAN trainer on a fixed batch of the synthetic strokes (8x8 images)."""
    minigan.manual_seed(seed)
    images = strokes(16, 0).images if images is None else images
    G, D = _models(width, dtype, z_dim)
    adam = lambda m: optim.Adam(m.parameters(), lr=lr, betas=(0.5, 0.999))  # noqa: E731
    xp = minigan.backend.xp()
    return InfoGANTrainer(G, D, adam(G), adam(D), lambda n: minigan.Tensor(xp.asarray(images[:n], dtype=dtype)),
                          z_dim, K, C, batch_size=16)


def _arrays(module):
    return [p.numpy().copy() for p in module.parameters()]


# ---------------------------------------------------------------- the assignment

def _brute_force(cost):
    """The least total cost of a one-to-one assignment, over every permutation."""
    n, m = cost.shape
    if n > m:
        return _brute_force(cost.T)
    return min(sum(cost[i, p[i]] for i in range(n)) for p in itertools.permutations(range(m), n))


@pytest.mark.parametrize("seed", range(40))
def test_the_hungarian_assignment_costs_what_the_best_permutation_costs(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 7)), int(rng.integers(1, 7))
    # integers from a small range make many ties, the case a wrong potential update gets wrong
    cost = rng.integers(-3, 4, (n, m)).astype(float) if seed % 2 else rng.normal(size=(n, m))
    rows, columns = linear_sum_assignment(cost)
    assert len(rows) == len(columns) == min(n, m)
    assert len(set(rows.tolist())) == len(set(columns.tolist())) == min(n, m)  # one-to-one
    assert np.all(np.diff(rows) > 0)  # rows in order
    assert cost[rows, columns].sum() == pytest.approx(_brute_force(cost), abs=1e-9)


def test_the_hungarian_assignment_on_a_case_a_greedy_choice_gets_wrong():
    cost = np.array([[1.0, 2.0], [1.0, 100.0]])  # greedy takes (0, 0), then pays 100
    rows, columns = linear_sum_assignment(cost)
    assert rows.tolist() == [0, 1] and columns.tolist() == [1, 0]
    with pytest.raises(ValueError, match="finite 2-d array"):
        linear_sum_assignment(np.array([1.0, 2.0]))


def test_unsupervised_accuracy_maps_clusters_to_classes_one_to_one():
    labels = np.array([0, 0, 1, 1, 2, 2, 2])
    renamed = np.array([2, 0, 1])[labels]  # the same clusters under other names
    accuracy, mapping = unsupervised_accuracy(renamed, labels, 3, 3)
    assert accuracy == 1.0 and mapping.tolist() == [1, 2, 0]
    # every image in one cluster: one class right at most, whatever the names
    accuracy, mapping = unsupervised_accuracy(np.zeros(7, dtype=int), labels, 3, 3)
    assert accuracy == pytest.approx(3 / 7) and mapping[0] == 2 and sorted(mapping.tolist()) == [0, 1, 2]


# ---------------------------------------------------------------- the models

def test_shapes_and_the_code_changes_the_sample(xp):
    G, D = _models()
    G.eval()
    z = minigan.Tensor(xp.tile(minigan.randn(1, Z).data, (K, 1)))  # one z, every code
    c_cont = minigan.Tensor(xp.zeros((K, C), dtype="float32"))
    images = G(z, xp.arange(K), c_cont)
    assert images.shape == (K, 1, 8, 8) and images.dtype == "float32"
    x = host(images)
    for a, b in itertools.combinations(range(K), 2):
        assert np.abs(x[a] - x[b]).max() > 1e-4, (a, b)
    moved = host(G(z, xp.arange(K), c_cont + 0.5))  # and the continuous codes move it too
    assert np.abs(moved - x).max() > 1e-4
    logits, cat_logits, means = D(images)
    assert logits.shape == (K, 1) and cat_logits.shape == (K, K) and means.shape == (K, C)
    assert len(D.q_parameters()) == len(list(D.features.parameters())) + 4
    with pytest.raises(ValueError, match=r"InfoGANGenerator: c_cont must have shape \(4, 2\), got \(4, 3\)"):
        G(z, xp.arange(K), minigan.Tensor(xp.zeros((K, 3), dtype="float32")))
    with pytest.raises(ValueError, match=r"InfoGANGenerator: labels must be classes in \[0, 3\]"):
        G(z, xp.arange(K) + 1, c_cont)


def test_the_codes_are_drawn_in_range_and_the_trainer_checks_its_sizes(xp):
    c_cat, c_cont = _trainer().codes(2000)
    c_cat, c_cont = minigan.to_numpy(c_cat), host(c_cont)
    assert c_cat.shape == (2000,) and set(c_cat.tolist()) == set(range(K))
    assert c_cont.shape == (2000, C) and c_cont.dtype == np.float32
    assert -1 <= c_cont.min() < -0.95 and 0.95 < c_cont.max() <= 1
    with pytest.raises(ValueError, match="n_categories must be an integer >= 2, got 1"):
        InfoGANTrainer(*_models(), None, None, None, Z, 1)
    with pytest.raises(ValueError, match="lambda_cont must be >= 0"):
        InfoGANTrainer(*_models(), None, None, None, Z, K, lambda_cont=-1.0)


# ---------------------------------------------------------------- the information loss

def test_the_information_loss_is_the_cross_entropy_plus_the_gaussian_nll(xp):
    trainer = _trainer(dtype="float64")
    rng = np.random.default_rng(0)
    logits, means = rng.normal(size=(6, K)), rng.normal(size=(6, C))
    c_cat, c_cont = rng.integers(0, K, 6), rng.uniform(-1, 1, (6, C))
    info, ce = trainer.information_loss(*(minigan.Tensor(xp.asarray(a)) for a in (logits, means)),
                                        xp.asarray(c_cat), minigan.Tensor(xp.asarray(c_cont)))
    log_q = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected_ce = -log_q[np.arange(6), c_cat].mean()
    # -log N(c; mean, 1) per code, summed over the codes, averaged over the batch
    nll = (0.5 * (c_cont - means) ** 2 + 0.5 * np.log(2 * np.pi)).sum(axis=1).mean()
    assert float(ce.data) == pytest.approx(expected_ce, rel=1e-12)
    assert float(info.data) == pytest.approx(expected_ce + trainer.lambda_cont * nll, rel=1e-12)


@pytest.mark.parametrize("network", ["G", "Q"])
def test_the_information_losss_gradient_matches_finite_differences(network):
    """dL_I / d(G's parameters) and dL_I / d(Q's parameters: its heads and D's body), in float64."""
    trainer = _trainer(dtype="float64", width=2, z_dim=3)
    G, D = trainer.generator, trainer.discriminator
    z = minigan.randn(6, 3, dtype="float64")
    c_cat, c_cont = trainer.codes(6)

    def information(*parameters):  # the parameters are perturbed in place by gradcheck
        _, cat_logits, means = D(G(z, c_cat, c_cont))
        return trainer.information_loss(cat_logits, means, c_cat, c_cont)[0]

    parameters = list(G.parameters()) if network == "G" else D.q_parameters()
    minigan.gradcheck(information, parameters, atol=1e-6, rtol=1e-4)


# ---------------------------------------------------------------- the step

def test_each_move_changes_only_its_own_network(xp):
    trainer = _trainer()
    G_before, D_before = _arrays(trainer.generator), _arrays(trainer.discriminator)
    trainer.discriminator_step()
    assert all(np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))
    assert all(not np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))  # Q's heads too
    assert all(p.grad is None for p in trainer.generator.parameters())
    D_before = _arrays(trainer.discriminator)
    trainer.generator_step()
    assert all(np.array_equal(a, b) for a, b in zip(D_before, _arrays(trainer.discriminator)))
    assert all(not np.array_equal(a, b) for a, b in zip(G_before, _arrays(trainer.generator)))


def test_q_learns_from_generated_images_only(xp):
    """Q's heads get the same gradient in D's step whatever the real batch is."""
    grads = []
    for seed in (0, 1):
        trainer = _trainer(images=strokes(16, seed).images)
        trainer.discriminator_step()
        grads.append([host(p.grad) for p in (*trainer.discriminator.cat_head.parameters(),
                                             *trainer.discriminator.cont_head.parameters())])
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)
    assert np.abs(grads[0][0]).max() > 0


def test_qs_gradient_reaches_all_of_G(xp):
    trainer = _trainer()
    trainer.g_optimizer.step = lambda: None  # look at the gradients before they are applied
    trainer.loss.g = lambda logits: (logits * 0.0).sum()  # leave only the information loss
    trainer.generator_step()
    for name, p in trainer.generator.named_parameters():
        assert p.grad is not None and float(xp.abs(p.grad.data).max()) > 0, name


def test_a_short_run_moves_all_three_losses_and_raises_the_information_bound(xp):
    trainer = _trainer()
    steps = [{k: float(v) for k, v in trainer.step().items()} for _ in range(40)]
    first, last = steps[0], steps[-1]
    assert np.isfinite(list(last.values())).all()
    # at the start Q knows nothing: CE = log K, so mi_cat = log K - CE is about 0
    assert abs(first["mi_cat"]) < 0.05
    assert first["d_loss"] - last["d_loss"] > 0.1  # D (and Q) learn
    assert max(abs(s["g_loss"] - first["g_loss"]) for s in steps) > 0.03  # G's loss answers
    assert first["g_info"] - last["g_info"] > 0.1 and last["mi_cat"] > 0.1  # Q reads the code back, G keeps it
    assert last["mi_cat"] <= math.log(K)


def test_a_resumed_infogan_run_repeats_the_uninterrupted_one(tmp_path):
    trainer = _trainer(seed=3)
    for _ in range(3):
        trainer.step()
    save_checkpoint(tmp_path / "c.npz", trainer.state_dict())
    for _ in range(2):
        straight = trainer.step()
    resumed = _trainer(seed=99)  # another seed: everything must come from the checkpoint
    resumed.load_state_dict(load_checkpoint(tmp_path / "c.npz"))
    for _ in range(2):
        again = resumed.step()
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(trainer.generator), _arrays(resumed.generator)))
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(trainer.discriminator), _arrays(resumed.discriminator)))
    assert float(straight["mi_cat"]) == float(again["mi_cat"])  # the same drawn codes and noise

