"""Train a conditional GAN on real handwritten digits: ask for a 7 and get a 7 (cGAN or ACGAN).

    python demos/digits_conditional.py                  # cGAN on scikit-learn's 8x8 digits
    python demos/digits_conditional.py --model acgan    # ACGAN: D names the class instead of reading it
    python demos/digits_conditional.py --data ~/mnist   # MNIST or Fashion-MNIST from its IDX files (28x28)

The networks, their recipe and the flags are demos/digits_dcgan.py's (the code both share is
in demos/digits.py), conditioned on the class (minigan/models/conditional.py and
minigan/train/conditional.py; docs/conditional.md): G reads the label's learned row joined to
its noise z. A cGAN's D projects its features on the label's own learned row (--model cgan);
ACGAN's D never sees the label but has a class head beside its real/fake logit, and both
players add that head's cross-entropy to their losses (--model acgan).

The score, in the features of the DCGAN demo's digits classifier: the conditional accuracy
(how often the classifier names the class that was asked for), overall and per class; the
within-class diversity (how far apart one class's images lie, as a fraction of how far apart
the real held-out images of that class lie), overall and per class; and the DCGAN demo's
table (FID, classes covered, KL to uniform, confidence).

Everything lands in ``--out`` (default ``runs/digits_conditional/<model>/<data>``): samples.npy
(1,000 images (N, 1, H, W) in [-1, 1], 100 of each class in class order) and labels.npy (the
class each was asked for), metrics.json, checkpoint.npz, grids/step_XXXXX.png (one row per
class), and the figures: classes.png (one row per class), same_z.png (one column per noise
vector: the style held while the class changes down the column), slerp.png (a spherical walk
from one noise vector to another, one row per class), curves.png and training.gif.
"""

import os
import sys

from cli import Choice, add_run_flags, import_minigan, parse
from digits import DEFAULTS as DCGAN_DEFAULTS
from digits import SETTINGS as DCGAN_SETTINGS
from digits import (
    COLUMNS, add_digits_flags, evaluation, generate, make_trainer, network_sizes, prepare,
    print_scores, restore, save_history_figures, train, write_results,
)
from runs import run

MODELS = {"cgan": "a cGAN", "acgan": "an ACGAN"}  # --model, and how the first line names it
# the DCGAN demo's recipe, steps and sizes, so that the two runs compare
DEFAULTS = dict(DCGAN_DEFAULTS, model="cgan")
SETTINGS = dict(DCGAN_SETTINGS, model=Choice(*MODELS))
PER_CLASS = 100  # images of each class in samples.npy and the score


def build_parser():
    """The command-line flags: every demo's, the digits' (``digits.add_digits_flags``) and ``--model``."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/digits_conditional/<model>/<data>", SETTINGS)
    parser.add_argument("--model", choices=list(MODELS), help="cgan: D reads the label (a projection on its features); "
                        "acgan: D names the class with a second head, and both losses add its cross-entropy "
                        f"(default {DEFAULTS['model']})")
    return add_digits_flags(parser)


def class_order(n_classes, per_class):
    """Labels (n_classes * per_class,) int64 on the selected backend: ``per_class`` 0s, then 1s, ..."""
    from minigan.backend import xp

    return xp().repeat(xp().arange(n_classes, dtype="int64"), per_class)


def every_class(trainer, z, n_classes):
    """Images (n_classes * M, C, H, W): each of the M noise vectors z (M, z_dim) drawn as class 0,
    then as class 1, ...: one row per class, one column per z."""
    from minigan import Tensor
    from minigan.backend import get_array_module

    return generate(trainer, Tensor(get_array_module(z.data).tile(z.data, (n_classes, 1))),
                    class_order(n_classes, z.shape[0]))


def class_rows(images, n_classes):
    """The first ``COLUMNS`` of each class's images in ``images`` (n_classes * PER_CLASS, C, H, W),
    in class order: a grid of one row per class."""
    per_class = images.reshape(n_classes, -1, *images.shape[1:])[:, :COLUMNS]
    return per_class.reshape(-1, *images.shape[1:])


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan(args.loss)
    import numpy

    from minigan.data import BatchSampler
    from minigan.gan import get_loss, slerp
    from minigan.metrics import classifier_score, conditional_scores, features_and_predictions, gaussian_stats
    from minigan.models import ACGANDiscriminator, ConditionalGenerator, ProjectionDiscriminator
    from minigan.train import ConditionalGANTrainer

    job = prepare(args, os.path.join("digits_conditional", args.model or DEFAULTS["model"]), DEFAULTS, SETTINGS)
    if job is None:  # --train-classifier: trained and cached
        return 0
    config, n_classes = job.config, job.train.n_classes
    acgan = config["model"] == "acgan"
    minigan.manual_seed(config["seed"])
    sizes = network_sizes(config, job.train)
    G = ConditionalGenerator(config["z_dim"], n_classes, **sizes)
    objective = get_loss(config["loss"])
    D = (ACGANDiscriminator if acgan else ProjectionDiscriminator)(n_classes, **sizes,
                                                                   batch_norm=not objective.has_penalty)
    batches = BatchSampler(len(job.train))

    def sample_real(n):
        """A batch of n real images and their classes."""
        index = batches.next(n)
        return minigan.Tensor(job.train.images[index]), job.train.labels[index]

    trainer = make_trainer(ConditionalGANTrainer, G, D, sample_real, config, objective, n_classes=n_classes,
                           acgan=acgan)
    fixed = trainer.noise(COLUMNS)  # the GIF follows these latents, each drawn as every class
    size = sizes["image_size"]
    restore(job, trainer, batches, [(n_classes * COLUMNS, sizes["channels"], size, size)])
    reference = gaussian_stats(features_and_predictions(job.scorer, job.test.images)[0])
    labels = class_order(n_classes, PER_CLASS)  # what samples.npy asks for

    def sample():
        """New images, ``PER_CLASS`` of each class in class order, and a grid of one row per class."""
        images = generate(trainer, trainer.noise(labels.shape[0]), labels)
        return images, class_rows(images, n_classes)

    def score(images):
        """The FID and the conditional scores of ``images`` (asked for ``labels``)."""
        scores = conditional_scores(job.scorer, images, labels, job.test.images, job.test.labels)
        return {"fid": classifier_score(job.scorer, images, reference)["fid"], "accuracy": scores["accuracy"],
                "diversity": scores["diversity"]}

    on_log = evaluation(args, job, lambda: every_class(trainer, fixed, n_classes), sample, score)
    seconds = train(job, trainer, batches, on_log, f"{MODELS[config['model']]} ({config['loss']} loss)")

    samples = generate(trainer, trainer.noise(labels.shape[0]), labels)
    generated = conditional_scores(job.scorer, samples, labels, job.test.images, job.test.labels)
    real = conditional_scores(job.scorer, job.train.images[:labels.shape[0]], job.train.labels[:labels.shape[0]],
                              job.test.images, job.test.labels)
    table = write_results(job, trainer, samples, seconds, model=config["model"],
                          conditional_accuracy=generated["accuracy"], per_class_accuracy=generated["per_class_accuracy"],
                          diversity=generated["diversity"], per_class_diversity=generated["per_class_diversity"],
                          real_train=real)
    numpy.save(os.path.join(job.out, "labels.npy"), minigan.to_numpy(labels))
    if not args.no_plots:
        from minigan.plot import save_image_grid

        fid = table["generated"]["fid"]
        save_image_grid(os.path.join(job.out, "classes.png"), minigan.to_numpy(class_rows(samples, n_classes)),
                        f"{config['model']}, step {trainer.steps}: one row per class, "
                        f"{100 * generated['accuracy']:.1f}% as asked, FID {fid:.1f}", columns=COLUMNS)
        save_image_grid(os.path.join(job.out, "same_z.png"),
                        minigan.to_numpy(every_class(trainer, trainer.noise(COLUMNS), n_classes)),
                        "one z per column, one class per row", columns=COLUMNS)
        ends = trainer.noise(2)
        path = slerp(ends.data[0], ends.data[1], minigan.backend.xp().linspace(0.0, 1.0, COLUMNS))
        save_image_grid(os.path.join(job.out, "slerp.png"), minigan.to_numpy(every_class(trainer, path, n_classes)),
                        "slerp from z0 to z1, one class per row", columns=COLUMNS)
        save_history_figures(job)
    print_scores(job, table)
    print(f"\n{'':20} | conditional accuracy | within-class diversity (of real)")
    for name, scores in (("generated", generated), ("real train (floor)", real)):
        print(f"{name:20} | {100 * scores['accuracy']:19.1f}% | {scores['diversity']:.3f}")
    print(f"{'generated, class':20} | " + " | ".join(f"{k:5}" for k in range(n_classes)))
    print(f"{'accuracy (%)':20} | " + " | ".join(f"{100 * v:5.1f}" for v in generated["per_class_accuracy"]))
    print(f"{'diversity':20} | " + " | ".join(f"{v:5.2f}" for v in generated["per_class_diversity"]))
    print(f"{seconds:.0f} s | written to {job.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
