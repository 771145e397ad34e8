"""Train a DCGAN on real handwritten digits and score it with a classifier minigan trains itself.

    python demos/digits_dcgan.py                  # scikit-learn's 1,797 8x8 digits (pip install -e ".[digits]")
    python demos/digits_dcgan.py --data ~/mnist   # MNIST or Fashion-MNIST from its IDX files (28x28)
    python demos/digits_dcgan.py --loss wgan-gp   # WGAN-GP: a critic without BatchNorm, 5 critic steps

The generator and discriminator are DCGAN's (strided ConvTranspose2d and Conv2d, BatchNorm,
ReLU / LeakyReLU(0.2), Tanh, N(0, 0.02) weights, Adam(2e-4, betas (0.5, 0.999))), each with
one more layer, a stride-1 3x3 convolution at the image's resolution (--full-res-width), and
the samples come from an exponential moving average of G's weights (--ema-decay). A loss
with a gradient penalty (wgan-gp, ns-r1) gets a critic without BatchNorm; WGAN and WGAN-GP
get their papers' critic steps and learning rates. The GAN trains on the training split;
the score compares 1,000 generated images with the held-out real ones in the features of a
small classifier trained on the training split (cached in runs/classifiers/, trained on
first use, or again with --train-classifier): the FID in that classifier's feature space,
the classes covered, the class-histogram KL to uniform and the classifier's mean confidence
in its predicted class, next to the same numbers for real training images (the floor), noise
(the ceiling) and the held-out images themselves.

Everything lands in ``--out`` (default ``runs/digits_dcgan/<data>``, where ``<data>`` is ``digits`` or
the IDX folder's name and a fingerprint of its files): samples.npy (1,000
images (N, 1, H, W) in [-1, 1]), metrics.json, checkpoint.npz, grids/step_XXXXX.png (every
few hundred steps), samples.png (the final grid), curves.png, and training.gif (a fixed set
of latent vectors improving over training).

What this demo shares with demos/digits_conditional.py (the recipe, the data, the classifier,
the run around the step) is in demos/digits.py.
"""

import os
import sys

from cli import add_run_flags, import_minigan, parse
from digits import (
    COLUMNS, GRID, SAMPLES, SETTINGS, add_digits_flags, evaluation, generate, make_trainer, network_sizes, prepare,
    print_scores, restore, save_history_figures, train, write_results,
)
from runs import run


def build_parser():
    """The command-line flags: every demo's (``cli.add_run_flags``) and the digits' (``digits.add_digits_flags``)."""
    return add_digits_flags(add_run_flags(__doc__.split("\n\n")[0], "runs/digits_dcgan/<data>", SETTINGS))


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan(args.loss)
    from minigan.data import BatchSampler
    from minigan.gan.losses import get_loss
    from minigan.metrics import classifier_score, features_and_predictions, fid_name, gaussian_stats
    from minigan.models import dcgan_discriminator, dcgan_generator
    from minigan.train import GANTrainer

    job = prepare(args, "digits_dcgan")
    if job is None:  # --train-classifier: trained and cached
        return 0
    config = job.config
    minigan.manual_seed(config["seed"])
    sizes = network_sizes(config, job.train)
    G = dcgan_generator(config["z_dim"], **sizes)
    objective = get_loss(config["loss"])
    D = dcgan_discriminator(**sizes, batch_norm=not objective.has_penalty)
    batches = BatchSampler(len(job.train))
    trainer = make_trainer(GANTrainer, G, D, lambda n: minigan.Tensor(job.train.images[batches.next(n)]), config,
                           objective)
    fixed = trainer.noise(GRID)  # the GIF follows these latents from start to end
    restore(job, trainer, batches, [(GRID, sizes["channels"], sizes["image_size"], sizes["image_size"])])
    reference = gaussian_stats(features_and_predictions(job.scorer, job.test.images)[0])

    def sample():
        """New images to score, and the grid of the first ``GRID`` of them."""
        images = generate(trainer, trainer.noise(SAMPLES))
        return images, images[:GRID]

    on_log = evaluation(args, job, lambda: generate(trainer, fixed), sample,
                        lambda images: {"fid": classifier_score(job.scorer, images, reference)["fid"]})
    seconds = train(job, trainer, batches, on_log, f"a DCGAN ({config['loss']} loss)")

    samples = generate(trainer, trainer.noise(SAMPLES))
    table = write_results(job, trainer, samples, seconds)
    if not args.no_plots:
        from minigan.plot import save_image_grid

        generated = table["generated"]
        save_image_grid(os.path.join(job.out, "samples.png"), minigan.to_numpy(samples[:GRID]),
                        f"{job.train.name}, step {trainer.steps}: {fid_name(job.train.name)} {generated['fid']:.1f}, "
                        f"{generated['classes']}/{generated['n_classes']} classes", columns=COLUMNS)
        save_history_figures(job)
    print_scores(job, table)
    print(f"{seconds:.0f} s | written to {job.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
