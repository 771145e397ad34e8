"""The DCGAN networks: shapes for 8x8 and 28x28 images, initialisation, and a short training run."""

import numpy as np
import pytest

import minigan
from minigan import nn, optim
from minigan.models import dcgan_discriminator, dcgan_generator, dcgan_init_
from minigan.train import GANTrainer


@pytest.mark.parametrize("full_res_width", [0, 3])
@pytest.mark.parametrize("size, sides", [(8, (2, 4, 8)), (28, (7, 14, 28))])
def test_shapes_through_both_networks(xp, size, sides, full_res_width):
    G = dcgan_generator(5, size, channels=1, width=4, full_res_width=full_res_width)
    D = dcgan_discriminator(size, channels=1, width=4, full_res_width=full_res_width)
    z = minigan.randn(3, 5)
    seen = []
    x = z
    for layer in G:  # the feature maps go base -> 2 base -> image size
        x = layer(x)
        if x.ndim == 4:
            seen.append(x.shape[2])
    assert x.shape == (3, 1, size, size) and sorted(set(seen)) == list(sides)
    assert float(xp.abs(x.data).max()) <= 1.0  # Tanh
    assert D(x).shape == (3, 1)
    conv_sides = []
    y = x
    for layer in D:
        y = layer(y)
        if y.ndim == 4:
            conv_sides.append(y.shape[2])
    # the full-resolution layer keeps the image's side; the strided ones halve it twice
    assert sorted(set(conv_sides)) == sorted({*sides[:2], *([size] if full_res_width else [])})


def test_full_resolution_layers_are_stride_1_3x3_convolutions():
    G = dcgan_generator(5, 8, channels=2, width=4, full_res_width=3)
    D = dcgan_discriminator(8, channels=2, width=4, full_res_width=3, batch_norm=False)
    g_last, d_first = G[-2], D[0]  # G's layer before the Tanh, D's first
    for conv, in_out in ((g_last, (3, 2)), (d_first, (2, 3))):
        assert isinstance(conv, nn.Conv2d) and (conv.in_channels, conv.out_channels) == in_out
        assert (conv.kernel_size, conv.stride, conv.padding) == ((3, 3), (1, 1), (1, 1))
    assert g_last.bias is None and d_first.bias is not None  # G's is followed by nothing that shifts
    assert isinstance(G[-4], nn.BatchNorm2d) and G[-4].num_features == 3  # what DCGAN puts between
    assert D[2].in_channels == 3 and isinstance(D[1], nn.LeakyReLU)
    x = minigan.randn(4, 2, 8, 8)
    changed = x.data.copy()
    changed[0] += 1  # without BatchNorm each logit still reads its own image only
    before, after = minigan.to_numpy(D(x).data), minigan.to_numpy(D(minigan.Tensor(changed)).data)
    assert before[0] != after[0] and np.array_equal(before[1:], after[1:])


def test_bad_image_size_and_input_are_named():
    with pytest.raises(ValueError, match="multiple of 4 .* got 10"):
        dcgan_generator(8, 10)
    with pytest.raises(ValueError, match="multiple of 4"):
        dcgan_discriminator(6)
    D = dcgan_discriminator(8, width=4)
    with pytest.raises(ValueError, match=r"expects input of shape \(N, 1, H, W\)"):
        D(minigan.randn(2, 3, 8, 8))


def test_dcgan_initialisation(xp):
    G = dcgan_generator(16, 8, width=32)
    for module in G.modules():
        if isinstance(module, (nn.Linear, nn.ConvTranspose2d)):
            w = minigan.to_numpy(module.weight.data)
            assert abs(w.std() - 0.02) < 0.004 and abs(w.mean()) < 0.004
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            assert abs(minigan.to_numpy(module.weight.data).mean() - 1) < 0.01
            assert not minigan.to_numpy(module.bias.data).any()


def host(t):
    """A Tensor's values as a NumPy array."""
    return minigan.to_numpy(t.data)


def dcgan_like():
    """Every kind of layer DCGAN initialises, large enough for the statistics."""
    return nn.Sequential(
        nn.ConvTranspose2d(64, 32, 4, bias=False), nn.BatchNorm2d(4096), nn.ReLU(),
        nn.Conv2d(32, 64, 4), nn.Linear(512, 256), nn.BatchNorm1d(8, affine=False),
    )


def test_dcgan_init_of_every_layer_kind(xp):
    model = dcgan_like()
    model[5].running_var[...] = 2.0
    assert dcgan_init_(model) is model
    for layer in (model[0], model[3], model[4]):
        w = host(layer.weight)
        assert w.mean() == pytest.approx(0.0, abs=0.001)
        assert w.std() == pytest.approx(0.02, rel=0.03)
    np.testing.assert_array_equal(host(model[3].bias), 0)
    np.testing.assert_array_equal(host(model[4].bias), 0)
    assert model[0].bias is None
    gamma = host(model[1].weight)
    assert gamma.mean() == pytest.approx(1.0, abs=0.002)
    assert gamma.std() == pytest.approx(0.02, rel=0.05)
    np.testing.assert_array_equal(host(model[1].bias), 0)
    np.testing.assert_array_equal(minigan.to_numpy(model[5].running_var), 2.0)  # buffers untouched
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_dcgan_init_follows_the_seed(xp):
    minigan.manual_seed(0)
    a = dcgan_init_(dcgan_like()).state_dict()
    minigan.manual_seed(0)
    b = dcgan_init_(dcgan_like()).state_dict()
    for name in a:
        np.testing.assert_array_equal(minigan.to_numpy(a[name]), minigan.to_numpy(b[name]))


def test_nn_imports_without_the_models():
    """The layers use nn.init's fillers, and nn.init imports no layer: no import circle."""
    import ast
    import pathlib

    source = (pathlib.Path(minigan.__file__).parent / "nn" / "init.py").read_text()
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"minigan"}, imported


def test_generator_gradient_flows_through_the_discriminator(xp):
    G, D = dcgan_generator(4, 8, width=4), dcgan_discriminator(8, width=4)
    loss = D(G(minigan.randn(6, 4))).sum()
    grads = minigan.grad(loss, list(G.parameters()))
    assert all(g is not None and float(xp.abs(g.data).sum()) > 0 for g in grads)


def test_short_seeded_run_moves_both_losses(xp):
    minigan.manual_seed(0)
    real = (minigan.rand(64, 1, 8, 8) * 2 - 1).data  # any fixed images will do
    G, D = dcgan_generator(8, 8, width=8), dcgan_discriminator(8, width=8)
    adam = lambda m: optim.Adam(m.parameters(), lr=2e-4, betas=(0.5, 0.999))  # noqa: E731
    trainer = GANTrainer(G, D, adam(G), adam(D), lambda n: minigan.Tensor(real[:n]), 8, 16)
    before = [p.numpy().copy() for p in G.parameters()]
    first = trainer.step()
    for _ in range(40):
        last = trainer.step()
    # at the start D cannot tell: its loss is near 2 log 2 and G's near log 2 (non-saturating)
    assert abs(float(first["d_loss"]) - 2 * np.log(2)) < 0.05 and abs(float(first["g_loss"]) - np.log(2)) < 0.05
    assert float(first["d_loss"]) - float(last["d_loss"]) > 0.1  # D learns to tell
    assert abs(float(last["g_loss"]) - float(first["g_loss"])) > 0.03  # and G's loss answers
    assert np.isfinite([float(last["d_loss"]), float(last["g_loss"])]).all()
    assert all(not np.array_equal(b, p.numpy()) for b, p in zip(before, G.parameters()))  # G learned


def test_critic_without_batch_norm_judges_each_image_alone(xp):
    D = dcgan_discriminator(8, width=4, batch_norm=False)
    assert not any(isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) for m in D.modules())
    convs = [m for m in D.modules() if isinstance(m, nn.Conv2d)]
    assert convs[0].bias is None and convs[1].bias is not None  # the bias BatchNorm's shift used to give
    x = minigan.randn(4, 1, 8, 8)
    changed = x.data.copy()
    changed[0] += 1  # another first image: in training mode BatchNorm would move every logit
    before, after = minigan.to_numpy(D(x).data), minigan.to_numpy(D(minigan.Tensor(changed)).data)
    assert before.shape == (4, 1) and before[0] != after[0]
    assert np.array_equal(before[1:], after[1:])
    with_bn = dcgan_discriminator(8, width=4)
    moved = minigan.to_numpy(with_bn(minigan.Tensor(changed)).data) - minigan.to_numpy(with_bn(x).data)
    assert np.abs(moved[1:]).max() > 0  # the default critic does mix the batch


def test_short_wgan_gp_run_moves_both_losses(xp):
    minigan.manual_seed(0)
    real = (minigan.rand(64, 1, 8, 8) * 2 - 1).data
    G, D = dcgan_generator(8, 8, width=8), dcgan_discriminator(8, width=8, batch_norm=False)
    # ten times the paper's learning rate, so that ten steps show the movement
    adam = lambda m: optim.Adam(m.parameters(), lr=1e-3, betas=(0.5, 0.9))  # noqa: E731
    trainer = GANTrainer(G, D, adam(G), adam(D), lambda n: minigan.Tensor(real[:n]), 8, 16, "wgan-gp", n_critic=5)
    first = trainer.step()
    for _ in range(10):
        last = trainer.step()
    # at the start D's input gradient is tiny (N(0, 0.02) weights), so D's loss is the penalty 10 (0 - 1)^2
    assert abs(float(first["d_loss"]) - 10) < 0.5
    assert float(first["d_loss"]) - float(last["d_loss"]) > 3  # D grows its input gradient towards norm 1
    assert abs(float(last["g_loss"]) - float(first["g_loss"])) > 0.1  # and G's loss, -mean D(G(z)), answers
    assert np.isfinite([float(last["d_loss"]), float(last["g_loss"])]).all()
