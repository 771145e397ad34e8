"""Leaving for PyTorch: a trained minigan DCGAN's ``state_dict`` loads into the same networks written
in PyTorch, which then give the same outputs (docs/pytorch.md). Skipped where PyTorch is not installed.

The PyTorch networks and the loading function live here, where this test checks them, and
docs/pytorch.md quotes them.
"""

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.models import dcgan_discriminator, dcgan_generator
from minigan.train import GANTrainer


def torch_dcgan_generator(z_dim, image_size=8, channels=1, width=64):
    """minigan's ``dcgan_generator`` written in PyTorch: the same layers in the same order, so the
    same ``state_dict`` names ("0.weight", "1.running_mean", ...)."""
    from torch import nn

    base = image_size // 4
    return nn.Sequential(
        nn.Linear(z_dim, 2 * width * base * base, bias=False),
        nn.BatchNorm1d(2 * width * base * base),
        nn.ReLU(),
        nn.Unflatten(1, (2 * width, base, base)),
        nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.ConvTranspose2d(width, channels, 4, stride=2, padding=1, bias=False),
        nn.Tanh(),
    )


def torch_dcgan_discriminator(image_size=8, channels=1, width=64):
    """minigan's ``dcgan_discriminator`` (with BatchNorm) written in PyTorch."""
    from torch import nn

    base = image_size // 4
    return nn.Sequential(
        nn.Conv2d(channels, width, 4, stride=2, padding=1, bias=False),
        nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(2 * width * base * base, 1),
    )


def load_minigan_state(torch_model, state):
    """Copy ``state`` (a minigan ``state_dict``, or the ``.npz`` it was saved to) into ``torch_model``.

    Every name matches; PyTorch's BatchNorm has one buffer more, ``num_batches_tracked``
    (a step counter it reads only with ``momentum=None``), which keeps its value.
    """
    import torch

    tensors = {name: torch.from_numpy(np.array(minigan.to_numpy(array))) for name, array in state.items()}
    missing, unexpected = torch_model.load_state_dict(tensors, strict=False)
    if unexpected or any(not name.endswith("num_batches_tracked") for name in missing):
        raise ValueError(f"the networks differ: missing {missing}, unexpected {unexpected}")
    return torch_model


def test_digits_dcgan_outputs_match_in_pytorch(xp, tmp_path):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch)")
    minigan.manual_seed(0)
    G, D = dcgan_generator(16, 8, width=8), dcgan_discriminator(8, width=8)
    real = minigan.randn(64, 1, 8, 8).data
    adam = lambda m: optim.Adam(m.parameters(), lr=2e-4, betas=(0.5, 0.999))  # noqa: E731
    trainer = GANTrainer(G, D, adam(G), adam(D), lambda n: minigan.Tensor(real[:n]), 16, 32)
    for _ in range(3):  # a few steps: trained weights, running statistics that are not the defaults
        trainer.step()

    # minigan: save the state_dicts as .npz files
    np.savez(tmp_path / "G.npz", **{k: minigan.to_numpy(v) for k, v in G.state_dict().items()})
    np.savez(tmp_path / "D.npz", **{k: minigan.to_numpy(v) for k, v in D.state_dict().items()})
    # PyTorch: the same networks, the same arrays
    G_torch = load_minigan_state(torch_dcgan_generator(16, 8, width=8), np.load(tmp_path / "G.npz"))
    D_torch = load_minigan_state(torch_dcgan_discriminator(8, width=8), np.load(tmp_path / "D.npz"))

    z = minigan.randn(32, 16)
    for mode in ("eval", "train"):  # running statistics, then the batch's own
        for model in (G, D, G_torch, D_torch):
            getattr(model, mode)()
        with minigan.no_grad(), torch.no_grad():
            images, images_torch = G(z), G_torch(torch.from_numpy(z.numpy()))
            np.testing.assert_allclose(images.numpy(), images_torch.numpy(), atol=1e-5)
            logits, logits_torch = D(images), D_torch(images_torch)
            np.testing.assert_allclose(logits.numpy(), logits_torch.numpy(), atol=1e-5)


def test_spectral_norm_matches_pytorch(xp):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch)")
    minigan.manual_seed(0)
    layer = minigan.nn.utils.spectral_norm(minigan.nn.Conv2d(3, 4, 3))
    layer_torch = torch.nn.utils.spectral_norm(torch.nn.Conv2d(3, 4, 3))
    load_minigan_state(layer_torch, layer.state_dict())  # the same keys: weight_orig, weight_u, weight_v
    x = minigan.randn(2, 3, 5, 5)
    for _ in range(3):  # training forwards: a power-iteration step each, in both
        y, y_torch = layer(x), layer_torch(torch.from_numpy(x.numpy()))
        np.testing.assert_allclose(y.numpy(), y_torch.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(minigan.to_numpy(layer.weight_u), layer_torch.weight_u.numpy(), atol=1e-6)
