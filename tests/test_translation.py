"""Image translation: the two domains and their pairing, the networks, the image history, the
cycle loss's gradient in both generators, and the pix2pix and CycleGAN steps."""

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.autograd.gradcheck import gradcheck
from minigan.data.translation import UnpairedSampler, blend, photo_patches, upsample
from minigan.models import (
    DiscriminatorPair, GeneratorPair, PatchDiscriminator, ResNetGenerator, UNetGenerator,
)
from minigan.train import CycleGANTrainer, ImagePool, Pix2PixTrainer

N = 8  # images per domain in the trainers' tiny data sets


def host(t):
    """A Tensor's (or array's) values as a NumPy array."""
    return minigan.to_numpy(getattr(t, "data", t))


# ---------------------------------------------------------------- the data

def test_upsampling_repeats_each_pixel_into_a_block_in_all_three_channels():
    digits = np.arange(2 * 8 * 8, dtype="float64").reshape(2, 8, 8)
    big = upsample(digits)
    assert big.shape == (2, 3, 16, 16)
    for c in range(3):
        np.testing.assert_array_equal(big[:, c, ::2, ::2], digits)
        np.testing.assert_array_equal(big[:, c, 1::2, 1::2], digits)
    with pytest.raises(ValueError, match=r"digits must have shape \(N, H, W\)"):
        upsample(digits[0])


def test_patches_come_from_their_half_of_each_photo_and_the_blend_is_mnist_m():
    # a photo whose red channel is the column index: a patch says where it was cut
    photo = np.zeros((20, 64, 3), dtype="uint8")
    photo[..., 0] = np.arange(64)
    for half, low, high in (("left", 0, 31), ("right", 32, 63)):
        patches = photo_patches([photo], 50, half, np.random.default_rng(0))
        columns = np.rint(patches[:, 0] * 255)
        assert patches.shape == (50, 3, 16, 16) and columns.min() >= low and columns.max() <= high, half
    with pytest.raises(ValueError, match="half must be 'left' or 'right'"):
        photo_patches([photo], 1, "top", np.random.default_rng(0))
    digit, patch = np.array([0.0, 1.0, 0.25]), np.array([0.5, 0.5, 0.75])
    np.testing.assert_allclose(blend(digit, patch), [0.5, 0.5, 0.5])  # |p - d|: the stroke inverts the photo
    with pytest.raises(ValueError, match="one shape"):
        blend(digit, patch[:2])


def test_the_pairs_and_the_disjoint_halves():
    pytest.importorskip("sklearn", reason="the digits need scikit-learn: pip install -e '.[digits]'")
    from minigan.data import load_digits, load_digits_on_photos, unpaired_halves

    train, test = load_digits_on_photos()
    digits_train, digits_test = load_digits()
    for pairs, digits in ((train, digits_train), (test, digits_test)):
        assert pairs.a.images.shape == pairs.b.images.shape == (len(digits), 3, 16, 16)
        # the digits demos' split, and each B image is its A image's digit at the same index
        np.testing.assert_array_equal(pairs.a.indices, digits.indices)
        np.testing.assert_array_equal(pairs.b.indices, digits.indices)
        np.testing.assert_array_equal(host(pairs.a.labels), host(digits.labels))
        np.testing.assert_array_equal(host(pairs.b.labels), host(digits.labels))
        a, b = (host(pairs.a.images) + 1) / 2, (host(pairs.b.images) + 1) / 2
        np.testing.assert_array_equal(a[:, 0, ::2, ::2], (host(digits.images)[:, 0] + 1) / 2)
        # where the digit is 0 the photo shows, where it is 1 the photo is inverted: b = |p - a|,
        # so one patch p = b (digit 0) = 1 - b (digit 1) explains every pixel
        patch = np.where(a == 1, 1 - b, np.where(a == 0, b, np.nan))
        assert np.nanmax(patch) <= 1 and np.nanmin(patch) >= 0 and np.isfinite(patch).any()
    assert train.b.key == test.b.key == train.a.key and train.b.key.startswith("digits-on-photos-")
    assert load_digits_on_photos()[0].b.key == train.b.key  # seeded: the same data again
    a, b = unpaired_halves(train)
    assert len(a) == len(b) == len(train) // 2 and not set(a.indices) & set(b.indices)
    assert set(a.indices) | set(b.indices) <= set(train.a.indices)


def test_the_unpaired_sampler_continues_both_orders(xp):
    sampler = UnpairedSampler(6, 5)
    sampler.next(4)
    state, rng_state = {k: dict(v) for k, v in sampler.state.items()}, minigan.backend.get_rng_state()
    expected = [tuple(map(host, sampler.next(4))) for _ in range(3)]  # each epoch reshuffled by the generator
    again = UnpairedSampler(6, 5)
    again.load_state(state)
    minigan.backend.set_rng_state(rng_state)
    for a, b in expected:
        got = again.next(4)
        np.testing.assert_array_equal(host(got[0]), a)
        np.testing.assert_array_equal(host(got[1]), b)
    with pytest.raises(ValueError, match="the A and the B sampler"):
        again.load_state({"a": state["a"]})


# ---------------------------------------------------------------- the networks

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shapes_of_the_networks(xp, dtype):
    x = minigan.randn(2, 3, 16, 16, dtype=dtype)
    for G in (UNetGenerator(3, 1, 4, dtype), ResNetGenerator(3, 1, 4, 1, dtype)):
        y = G(x)
        assert y.shape == (2, 1, 16, 16) and y.dtype == dtype and float(xp.abs(y.data).max()) <= 1
    D = PatchDiscriminator(6, 4, dtype)
    assert D(minigan.randn(2, 6, 16, 16, dtype=dtype)).shape == (2, 1, 4, 4)
    with pytest.raises(ValueError, match=r"UNetGenerator expects images \(N, 3, 16, 16\)"):
        UNetGenerator(3, 3, 4)(minigan.randn(2, 3, 8, 8))
    names = dict(GeneratorPair(UNetGenerator(3, 3, 2), ResNetGenerator(3, 3, 2, 1)).named_parameters())
    assert "G.down1.0.weight" in names and "F.model.1.weight" in names  # PyTorch-style names


# ---------------------------------------------------------------- the image history

def test_the_history_fills_then_swaps_half_and_resumes_exactly(xp):
    pool = ImagePool(4)
    batch = lambda start: minigan.Tensor(xp.arange(start, start + 3, dtype="float64").reshape(3, 1, 1, 1))  # noqa: E731
    np.testing.assert_array_equal(host(pool.query(batch(0))).ravel(), [0, 1, 2])  # filling: passed on as they are
    assert host(pool.query(batch(10))).ravel()[0] == 10 and pool.count == 4  # the first fills the last slot
    # a history restored with the generator's state answers as the one it was saved from
    state, rng_state = {"images": pool.images.copy(), "count": pool.count}, minigan.backend.get_rng_state()
    expected = host(pool.query(batch(20)))
    again = ImagePool(4)
    again.load_state_dict(state)
    minigan.backend.set_rng_state(rng_state)
    np.testing.assert_array_equal(host(again.query(batch(20))), expected)
    swapped = []
    for step in range(30):
        new = batch(100 + 10 * step)
        before = set(host(pool.images).ravel())
        got = host(pool.query(new)).ravel()
        swapped += [g != n for g, n in zip(got, host(new).ravel())]
        # D sees each new image or one the history held, which the new one replaced: nothing is duplicated
        assert set(got) | set(host(pool.images).ravel()) == before | set(host(new).ravel())
    assert 0.3 < np.mean(swapped) < 0.7  # about half the images are swapped for older ones
    with pytest.raises(ValueError, match="more than the 4 images"):
        ImagePool(4).query(minigan.Tensor(xp.zeros((5, 1, 1, 1))))
    with pytest.raises(ValueError, match=r"count must be an integer in \[0, 4\]"):
        ImagePool(4).load_state_dict({"images": None, "count": 5})
    np.testing.assert_array_equal(host(ImagePool(0).query(batch(7))).ravel(), [7, 8, 9])  # no history


# ---------------------------------------------------------------- the trainers

def _images(n, channels, seed):
    rng = np.random.default_rng(seed)
    return minigan.backend.xp().asarray(rng.uniform(-1, 1, (n, channels, 16, 16)).astype("float32"))


def _pix2pix(seed=0, width=4):
    minigan.manual_seed(seed)
    a, b = _images(N, 3, 1), _images(N, 3, 2)
    G, D = UNetGenerator(3, 3, width), PatchDiscriminator(6, width)
    adam = lambda m: optim.Adam(m.parameters(), lr=1e-3, betas=(0.5, 0.999))  # noqa: E731

    def pairs(n):
        index = minigan.backend.permutation(N)[:n]
        return minigan.Tensor(a[index]), minigan.Tensor(b[index])

    return Pix2PixTrainer(G, D, adam(G), adam(D), pairs, batch_size=4)


def _cyclegan(seed=0, width=4, dtype="float32", identity=0.5, history=4):
    minigan.manual_seed(seed)
    a, b = _images(N, 1, 1).astype(dtype), _images(N, 1, 2).astype(dtype)  # one channel each: G(b) for identity
    G = GeneratorPair(ResNetGenerator(1, 1, width, 1, dtype), ResNetGenerator(1, 1, width, 1, dtype))
    D = DiscriminatorPair(PatchDiscriminator(1, width, dtype), PatchDiscriminator(1, width, dtype))
    adam = lambda m: optim.Adam(m.parameters(), lr=1e-3, betas=(0.5, 0.999))  # noqa: E731

    def unpaired(n):
        return (minigan.Tensor(a[minigan.backend.permutation(N)[:n]]),
                minigan.Tensor(b[minigan.backend.permutation(N)[:n]]))

    return CycleGANTrainer(G, D, adam(G), adam(D), unpaired, batch_size=4, lambda_identity=identity,
                           history_size=history)


def _smooth(model):
    """``model`` with each ReLU replaced by an ELU (alpha 1), whose derivative is continuous: central
    differences then never straddle a kink (test_activation.py checks ReLU's own derivative)."""
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU):
                module._modules[name] = nn.ELU()  # in its place: setattr would move it to the end
    return model


@pytest.mark.parametrize("seed", [0, 3])
def test_the_cycle_losss_gradient_reaches_both_generators_as_finite_differences_say(xp, seed):
    trainer = _cyclegan(seed, width=1, dtype="float64", identity=0.0)
    _smooth(trainer.generator)
    a, b = trainer.sample_real(2)
    # a parameter of each generator's every layer kind: G's first and last convolutions, F's residual block
    G, F = trainer.generator.G, trainer.generator.F
    checked = [G.model[1].weight, G.model[-2].bias, F.model[7].block[1].weight, F.model[-2].weight]
    gradcheck(lambda *params: trainer.generator_losses(a, b)["cycle"], checked, eps=1e-6, atol=1e-6, rtol=1e-4)
    grads = minigan.autograd.grad(trainer.generator_losses(a, b)["cycle"], list(trainer.generator.parameters()))
    assert all(float(xp.abs(g.data).max()) > 0 for g in grads)  # every parameter of G and F moves it


def test_the_gan_terms_reach_the_generators_and_leave_the_discriminators_alone(xp):
    for trainer in (_pix2pix(), _cyclegan()):
        trainer.step()
        before = [host(p).copy() for p in trainer.discriminator.parameters()]
        for p in trainer.discriminator.parameters():
            p.grad = None
        trainer.generator_step()
        for p, old in zip(trainer.discriminator.parameters(), before):
            np.testing.assert_array_equal(host(p), old)
            assert p.grad is None
        grads = [p.grad for p in trainer.generator.parameters()]
        assert all(g is not None and float(xp.abs(g.data).max()) > 0 for g in grads)


@pytest.mark.parametrize("make, terms", [(_pix2pix, ("d_loss", "g_loss", "l1")),
                                         (_cyclegan, ("d_loss", "g_loss", "cycle", "identity"))])
def test_a_short_run_moves_every_loss(xp, make, terms):
    trainer = make()
    history = [trainer.step() for _ in range(30)]
    for name in terms:
        first = np.mean([float(s[name]) for s in history[:5]])
        last = np.mean([float(s[name]) for s in history[-5:]])
        assert abs(last - first) > 0.01 * abs(first), (name, first, last)
    # G's reconstruction terms fall: the tiny data is learnt
    name = terms[2]
    assert np.mean([float(s[name]) for s in history[-5:]]) < np.mean([float(s[name]) for s in history[:5]])


@pytest.mark.parametrize("make", [_pix2pix, _cyclegan])
def test_a_resumed_run_continues_exactly(xp, make):
    straight = make()
    for _ in range(6):
        straight.step()
    first = make()
    for _ in range(3):
        first.step()
    state = first.state_dict()
    resumed = make(seed=7)  # another start: everything must come from the state
    resumed.load_state_dict(state)
    for _ in range(3):
        resumed.step()
    for (name, p), q in zip(straight.generator.named_parameters(), resumed.generator.parameters()):
        np.testing.assert_array_equal(host(p), host(q), err_msg=name)
    for p, q in zip(straight.discriminator.parameters(), resumed.discriminator.parameters()):
        np.testing.assert_array_equal(host(p), host(q))


def test_bad_settings_are_refused(xp):
    G, D = UNetGenerator(3, 3, 2), PatchDiscriminator(6, 2)
    adam = lambda m: optim.Adam(m.parameters())  # noqa: E731
    with pytest.raises(ValueError, match="wgan-gp loss adds a gradient penalty"):
        Pix2PixTrainer(G, D, adam(G), adam(D), None, loss="wgan-gp")
    with pytest.raises(ValueError, match="lambda_l1 must be a finite number >= 0"):
        Pix2PixTrainer(G, D, adam(G), adam(D), None, lambda_l1=-1)
    with pytest.raises(ValueError, match="history_size 4 must be 0 or at least the batch size 8"):
        CycleGANTrainer(G, D, adam(G), adam(D), None, batch_size=8, history_size=4)
    trainer = _cyclegan()
    with pytest.raises(ValueError, match="no image histories"):
        trainer.load_state_dict({k: v for k, v in trainer.state_dict().items() if k != "image_history"})
