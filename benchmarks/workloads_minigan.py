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

from benchmarks.models import dcgan_pair, mlp_pair
from benchmarks.spec import ADAM, POOL, RING, sizes


def make_step(workload, seed=0, **overrides):
    """One training step of ``workload`` ("A" or "B") as a function of no arguments.

    ``overrides`` change ``batch``, ``width`` (A) or ``image_size`` (B), see ``benchmarks.spec``.
    """
    settings = sizes(workload, **overrides)
    n = settings["batch"]
    minigan.manual_seed(seed)
    if workload == "A":
        G, D = mlp_pair(nn, settings["z_dim"], settings["width"])
        data = ring(**RING)
        pool = [data.sample(n) for _ in range(POOL)]
    else:
        size = settings["image_size"]
        G, D = dcgan_pair(nn, settings["z_dim"], size)
        pool = [minigan.rand(n, 1, size, size) * 2 - 1 for _ in range(POOL)]
    batches = itertools.cycle(pool)
    G.train()
    D.train()
    trainer = GANTrainer(G, D, Adam(G.parameters(), **ADAM), Adam(D.parameters(), **ADAM),
                         sample_real=lambda _: next(batches), z_dim=settings["z_dim"],
                         batch_size=n, loss="non-saturating")
    return trainer.step
