"""Workloads A and B built from minigan's own layers, Adam and GANTrainer (NumPy backend, float32).

``make_step(workload, seed, **overrides)`` builds G, D, both optimizers and a pool of real
batches (untimed) and returns ``step``: one call is one training step, the timed unit.
"""

import itertools

import minigan
from minigan import nn
from minigan.data.toy2d import ring
from minigan.optim import Adam
from minigan.train import GANTrainer

from benchmarks.spec import ADAM, POOL, RING, SLOPE, sizes


def mlp_pair(z_dim, width):
    """Workload A's G (N, z_dim) -> (N, 2) and D (N, 2) -> (N, 1): three hidden layers of ``width``."""
    def mlp(n_in, n_out):
        return nn.Sequential(
            nn.Linear(n_in, width), nn.LeakyReLU(SLOPE),
            nn.Linear(width, width), nn.LeakyReLU(SLOPE),
            nn.Linear(width, width), nn.LeakyReLU(SLOPE),
            nn.Linear(width, n_out))
    return mlp(z_dim, 2), mlp(2, 1)


def dcgan_pair(z_dim, image_size):
    """Workload B's G (N, z_dim) -> (N, 1, S, S) and D (N, 1, S, S) -> (N, 1), S = ``image_size``."""
    s = image_size // 4  # two stride-2 layers: S/4 -> S/2 -> S
    G = nn.Sequential(
        nn.Linear(z_dim, 128 * s * s), nn.BatchNorm1d(128 * s * s), nn.ReLU(),
        nn.Unflatten(1, (128, s, s)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1), nn.LeakyReLU(SLOPE),
        nn.Conv2d(64, 128, 4, stride=2, padding=1), nn.BatchNorm2d(128), nn.LeakyReLU(SLOPE),
        nn.Flatten(), nn.Linear(128 * s * s, 1))
    return G, D


def make_step(workload, seed=0, **overrides):
    """One training step of ``workload`` ("A" or "B") as a function of no arguments.

    ``overrides`` change ``batch``, ``width`` (A) or ``image_size`` (B), see ``benchmarks.spec``.
    """
    settings = sizes(workload, **overrides)
    n = settings["batch"]
    minigan.manual_seed(seed)
    if workload == "A":
        G, D = mlp_pair(settings["z_dim"], settings["width"])
        data = ring(**RING)
        pool = [data.sample(n) for _ in range(POOL)]
    else:
        size = settings["image_size"]
        G, D = dcgan_pair(settings["z_dim"], size)
        pool = [minigan.rand(n, 1, size, size) * 2 - 1 for _ in range(POOL)]
    batches = itertools.cycle(pool)
    G.train()
    D.train()
    trainer = GANTrainer(G, D, Adam(G.parameters(), **ADAM), Adam(D.parameters(), **ADAM),
                         sample_real=lambda _: next(batches), z_dim=settings["z_dim"],
                         batch_size=n, loss="non-saturating")
    return trainer.step
