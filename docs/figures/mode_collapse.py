"""Draw docs/figures/mode_collapse.png: one GAN without packing, one with, on the ring.

    python docs/figures/mode_collapse.py [--steps 3000]

Both runs use the library as the demo does (``mlp_generator``, ``mlp_discriminator``,
``GANTrainer``, ``fit``) with the same seed and sizes: a plain GAN (non-saturating loss, a
discriminator that sees one sample at a time, lr 2e-4), against the demo's recipe
(least-squares loss, packs of 4 samples, lr 1e-3).
"""

import argparse
import os
from concurrent.futures import ProcessPoolExecutor

from matplotlib.figure import Figure

import minigan
from minigan import optim
from minigan.data import ring
from minigan.metrics import mode_metrics
from minigan.models import mlp_discriminator, mlp_generator
from minigan.train import GANTrainer, fit

RUNS = (("non-saturating", 1, 2e-4, 16), ("least-squares", 4, 1e-3, 8))  # (loss, pack, lr, z_dim)
HERE = os.path.dirname(os.path.abspath(__file__))


def train(loss, pack, lr, z_dim, steps, seed=0):
    """Train on the ring; returns 1000 generated points (NumPy (1000, 2)) and their scores."""
    minigan.manual_seed(seed)
    data = ring()
    G, D = mlp_generator(z_dim, 2, 128, 3), mlp_discriminator(2, 128, 3, pack)
    trainer = GANTrainer(G, D, optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999)),
                         optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999)),
                         data.sample, z_dim, 256, loss)
    fit(trainer, steps, log_every=steps, progress=False)
    with minigan.no_grad():
        fake = minigan.to_numpy(G(trainer.noise(1000)).data)
    return fake, mode_metrics(fake, data.centers, data.std)


def main():
    """Train both runs and save the two scatter plots side by side."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    steps = parser.parse_args().steps
    real = minigan.to_numpy(ring().sample(1000).data)
    fig = Figure(figsize=(9, 4.5))
    with ProcessPoolExecutor(len(RUNS)) as pool:  # the two runs are independent: train both at once
        results = list(pool.map(train, *zip(*RUNS), [steps] * len(RUNS)))
    for k, ((loss, pack, lr, _), (fake, scores)) in enumerate(zip(RUNS, results)):
        ax = fig.add_subplot(1, 2, k + 1)
        ax.scatter(real[:, 0], real[:, 1], s=2, c="k", label="real")
        ax.scatter(fake[:, 0], fake[:, 1], s=3, c="tab:orange", alpha=0.4, label="generated")
        ax.set(xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), aspect="equal",
               title=f"{loss}, pack {pack}: {scores['modes']}/8 modes")
        ax.legend(loc="upper right", fontsize="small", markerscale=3)
        print(loss, pack, scores)
    fig.suptitle(f"the ring after {steps} steps")
    fig.savefig(os.path.join(HERE, "mode_collapse.png"), dpi=80, bbox_inches="tight")


if __name__ == "__main__":
    main()
