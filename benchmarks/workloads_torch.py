"""Workloads A and B in PyTorch (eager, float32; CPU, or CUDA for ``benchmarks.gpu``), the reference
minigan is compared with.

PyTorch is never a dependency of minigan: this module imports it, and ``benchmarks.run``
skips it when it is absent. ``make_step`` mirrors ``benchmarks.workloads_minigan.make_step``.
"""

import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.models import dcgan_pair, mlp_pair
from benchmarks.spec import ADAM, POOL, RING, sizes, threads


def ring_batch(n, device="cpu"):
    """``n`` points of 8 Gaussians on a ring, as ``minigan.data.toy2d.ring(**RING)`` draws them."""
    k = torch.randint(0, RING["n_modes"], (n,), device=device)
    angle = 2 * math.pi * k / RING["n_modes"]
    centers = RING["radius"] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return centers + RING["std"] * torch.randn(n, 2, device=device)


def make_step(workload, seed=0, device="cpu", **overrides):
    """One training step of ``workload`` ("A" or "B") on ``device`` as a function of no arguments."""
    settings = sizes(workload, **overrides)
    n, z_dim = settings["batch"], settings["z_dim"]
    torch.set_num_threads(threads())
    torch.manual_seed(seed)
    if workload == "A":
        G, D = mlp_pair(nn, z_dim, settings["width"])
        pool = [ring_batch(n, device) for _ in range(POOL)]
    else:
        size = settings["image_size"]
        G, D = dcgan_pair(nn, z_dim, size)
        pool = [torch.rand(n, 1, size, size, device=device) * 2 - 1 for _ in range(POOL)]
    G, D = G.to(device), D.to(device)
    batches = itertools.cycle(pool)
    G.train()
    D.train()
    g_opt, d_opt = torch.optim.Adam(G.parameters(), **ADAM), torch.optim.Adam(D.parameters(), **ADAM)
    ones, zeros = torch.ones(n, 1, device=device), torch.zeros(n, 1, device=device)

    def step():
        # D: maximise log D(x) + log(1 - D(G(z))), G detached (no graph recorded)
        with torch.no_grad():
            fake = G(torch.randn(n, z_dim, device=device))
        d_opt.zero_grad()
        d_loss = (F.binary_cross_entropy_with_logits(D(next(batches)), ones)
                  + F.binary_cross_entropy_with_logits(D(fake), zeros))
        d_loss.backward()
        d_opt.step()
        # G: maximise log D(G(z)) (non-saturating); D's parameter gradients off
        D.requires_grad_(False)
        g_opt.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(D(G(torch.randn(n, z_dim, device=device))), ones)
        g_loss.backward()
        g_opt.step()
        D.requires_grad_(True)
        return d_loss.item(), g_loss.item()

    return step
