"""Train InfoGAN on real handwritten digits: a 10-way code that finds the ten digits without a label.

    python demos/digits_infogan.py                  # scikit-learn's 8x8 digits
    python demos/digits_infogan.py --data ~/mnist   # MNIST or Fashion-MNIST from its IDX files (28x28)

The networks, their recipe and the flags are demos/digits_dcgan.py's (the code both share is
in demos/digits.py), with a code beside the noise (minigan/models/infogan.py and
minigan/train/infogan.py; docs/infogan.md): G reads a categorical code c_cat (one of 10) and two
continuous codes c_cont (uniform on [-1, 1]) beside its noise z, and Q, a head on D's body, must
read them back from the image; --lambda-cont weighs the continuous codes in the information
loss (default 1). No label is used in training.

The score: the unsupervised accuracy of Q's categorical prediction on the real held-out digits,
each code mapped to a class by the best one-to-one assignment (the Hungarian algorithm, the
paper's measure); the same for generated images, where the scoring classifier names the digit
of G(z, c) and the assignment matches codes to its classes; the mutual-information lower bound
log 10 - CE of the categorical code over training (log 10 = 2.303 when Q reads every code); and
the DCGAN demo's table (FID, classes covered, KL to uniform, confidence).

Everything lands in ``--out`` (default ``runs/digits_infogan/<data>``): samples.npy (1,000 images
(N, 1, H, W) in [-1, 1], 100 of each categorical code in code order) and codes.npy (their codes),
heldout_codes.npy (Q's code for each real held-out image) and heldout_indices.npy (that image's
index in the data set's order: scikit-learn's ``load_digits()`` for the digits), metrics.json,
checkpoint.npz, grids/step_XXXXX.png (one row per code), and the figures: codes.png (one row per
code), continuous_1.png and continuous_2.png (one row per code, columns sweeping one continuous
code from -2 to 2 with the other at 0 and z fixed), curves.png and training.gif.
"""

import os
import sys

from cli import Number, add_run_flags, import_minigan, parse
from digits import DEFAULTS as DCGAN_DEFAULTS
from digits import SETTINGS as DCGAN_SETTINGS
from digits import (
    COLUMNS, add_digits_flags, evaluation, generate, make_trainer, network_sizes, prepare,
    print_scores, restore, save_history_figures, train, write_results,
)
from runs import run

# the DCGAN demo's recipe, and the continuous codes' weight in the information loss: 1, the paper's
# code's for MNIST (its text advises less for continuous codes; docs/results.md measures 0.1 too)
DEFAULTS = dict(DCGAN_DEFAULTS, lambda_cont=1.0)
SETTINGS = dict(DCGAN_SETTINGS, lambda_cont=Number(0.0, closed_low=True))
OLDER = dict(lambda_cont=1.0)  # checkpoints from before --lambda-cont trained with 1
N_CONTINUOUS = 2  # continuous codes, each uniform on [-1, 1] in training
PER_CODE = 100  # images of each categorical code in samples.npy and the score
SWEEP = (-2.0, 2.0)  # the continuous codes' range in the figures: twice the training range, as the paper's


def build_parser():
    """The command-line flags: every demo's, the digits' (``digits.add_digits_flags``) and ``--lambda-cont``."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/digits_infogan/<data>", SETTINGS)
    parser.add_argument("--lambda-cont", type=SETTINGS["lambda_cont"], help="the weight of the continuous codes' "
                        f"negative log-likelihood in the information loss (default {DEFAULTS['lambda_cont']})")
    return add_digits_flags(parser)


def code_order(n_codes, per_code):
    """Categorical codes (n_codes * per_code,) int64 on the selected backend: ``per_code`` 0s, then 1s, ..."""
    from minigan.backend import xp

    return xp().repeat(xp().arange(n_codes, dtype="int64"), per_code)


def q_codes(D, images, batch_size=500):
    """Q's categorical prediction (N,) for images (N, C, H, W), a host array: D's body and Q's head
    in evaluation mode (BatchNorm with its running statistics)."""
    import numpy

    from minigan import Tensor, no_grad, to_numpy

    was_training = D.training
    D.eval()
    with no_grad():
        codes = [to_numpy(D(Tensor(images[i:i + batch_size]))[1].data).argmax(axis=1)
                 for i in range(0, images.shape[0], batch_size)]
    D.train(was_training)
    return numpy.concatenate(codes)


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan(args.loss)
    import numpy

    from minigan.data import BatchSampler
    from minigan.gan import get_loss
    from minigan.metrics import classifier_score, features_and_predictions, gaussian_stats, unsupervised_accuracy
    from minigan.models import InfoGANDiscriminator, InfoGANGenerator
    from minigan.train import InfoGANTrainer

    job = prepare(args, "digits_infogan", DEFAULTS, SETTINGS, OLDER)
    if job is None:  # --train-classifier: trained and cached
        return 0
    config, n_codes = job.config, job.train.n_classes
    xp = minigan.backend.xp()
    minigan.manual_seed(config["seed"])
    sizes = network_sizes(config, job.train)
    G = InfoGANGenerator(config["z_dim"], n_codes, N_CONTINUOUS, **sizes)
    objective = get_loss(config["loss"])
    D = InfoGANDiscriminator(n_codes, N_CONTINUOUS, **sizes, batch_norm=not objective.has_penalty)
    batches = BatchSampler(len(job.train))
    trainer = make_trainer(InfoGANTrainer, G, D, lambda n: minigan.Tensor(job.train.images[batches.next(n)]), config,
                           objective, n_categories=n_codes, n_continuous=N_CONTINUOUS,
                           lambda_cont=config["lambda_cont"])
    fixed = trainer.noise(COLUMNS)  # the GIF follows these latents, each drawn with every code
    size = sizes["image_size"]
    restore(job, trainer, batches, [(n_codes * COLUMNS, sizes["channels"], size, size)])
    reference = gaussian_stats(features_and_predictions(job.scorer, job.test.images)[0])
    codes = code_order(n_codes, PER_CODE)  # what samples.npy asks for
    held_out_labels = minigan.to_numpy(job.test.labels)

    def every_code(z, c_cont):
        """Images (n_codes * M, C, H, W): each of the M latents (z (M, z_dim), c_cont (M, 2)) drawn with
        code 0, then code 1, ...: one row per code, one column per latent."""
        tile = (n_codes, 1)
        return generate(trainer, minigan.Tensor(xp.tile(z.data, tile)), code_order(n_codes, z.shape[0]),
                        minigan.Tensor(xp.tile(c_cont.data, tile)))

    def sample():
        """New images, ``PER_CODE`` of each code in code order, and a grid of one row per code."""
        images = generate(trainer, trainer.noise(codes.shape[0]), codes, trainer.codes(codes.shape[0])[1])
        rows = images.reshape(n_codes, PER_CODE, *images.shape[1:])[:, :COLUMNS]
        return images, rows.reshape(-1, *images.shape[1:])

    def accuracies(images):
        """``(generated, held-out)`` unsupervised accuracies: the classifier's digit of each image in
        ``images`` (asked for ``codes``) against its code, and Q's code of each real held-out digit
        against its class, each through the best one-to-one map of codes to classes."""
        _, predicted = features_and_predictions(job.scorer, images)
        generated, _ = unsupervised_accuracy(minigan.to_numpy(codes), predicted, n_codes, n_codes)
        held_out, _ = unsupervised_accuracy(q_codes(D, job.test.images), held_out_labels, n_codes, n_codes)
        return generated, held_out

    def score(images):
        """The FID of ``images`` and both unsupervised accuracies."""
        generated, held_out = accuracies(images)
        return {"fid": classifier_score(job.scorer, images, reference)["fid"], "gen_acc": generated,
                "heldout_acc": held_out}

    zero = minigan.Tensor(xp.zeros((COLUMNS, N_CONTINUOUS), dtype=fixed.dtype))
    on_log = evaluation(args, job, lambda: every_code(fixed, zero), sample, score)
    seconds = train(job, trainer, batches, on_log, f"an InfoGAN ({config['loss']} loss)")

    samples = generate(trainer, trainer.noise(codes.shape[0]), codes, trainer.codes(codes.shape[0])[1])
    generated, held_out = accuracies(samples)
    heldout_codes = q_codes(D, job.test.images)
    _, mapping = unsupervised_accuracy(heldout_codes, held_out_labels, n_codes, n_codes)
    mi_cat = [[int(r["step"]), round(float(r["mi_cat"]), 4)] for r in job.history]
    table = write_results(job, trainer, samples, seconds, model="infogan", heldout_accuracy=held_out,
                          generated_accuracy=generated, code_to_class=mapping.tolist(),
                          mi_cat_final=mi_cat[-1][1], mi_cat_max=round(float(numpy.log(n_codes)), 4),
                          mi_cat_history=mi_cat)
    numpy.save(os.path.join(job.out, "codes.npy"), minigan.to_numpy(codes))
    numpy.save(os.path.join(job.out, "heldout_codes.npy"), heldout_codes)
    numpy.save(os.path.join(job.out, "heldout_indices.npy"), job.test.indices)
    if not args.no_plots:
        from minigan.plot import save_image_grid

        rows = samples.reshape(n_codes, PER_CODE, *samples.shape[1:])[:, :COLUMNS].reshape(-1, *samples.shape[1:])
        save_image_grid(os.path.join(job.out, "codes.png"), minigan.to_numpy(rows),
                        f"InfoGAN, step {trainer.steps}: one row per code, {100 * held_out:.1f}% held-out "
                        f"accuracy", columns=COLUMNS)
        z = minigan.Tensor(xp.tile(trainer.noise(1).data, (COLUMNS, 1)))  # one z for the whole figure
        for j in range(N_CONTINUOUS):
            sweep = xp.zeros((COLUMNS, N_CONTINUOUS), dtype=z.dtype)
            sweep[:, j] = xp.linspace(*SWEEP, COLUMNS)  # code j from -2 to 2, the others at 0
            save_image_grid(os.path.join(job.out, f"continuous_{j + 1}.png"),
                            minigan.to_numpy(every_code(z, minigan.Tensor(sweep))),
                            f"continuous code {j + 1} from {SWEEP[0]:g} to {SWEEP[1]:g}, one code per row",
                            columns=COLUMNS)
        save_history_figures(job)
    print_scores(job, table)
    print(f"\nunsupervised accuracy (best one-to-one map of the {n_codes} codes to the classes): "
          f"real held-out {100 * held_out:.1f}% (Q), generated {100 * generated:.1f}% (the classifier)")
    print(f"codes -> classes: {' '.join(f'{k}->{int(c)}' for k, c in enumerate(mapping))}")
    print(f"mi_cat (log {n_codes} - CE, at most {numpy.log(n_codes):.3f}): {mi_cat[-1][1]:.3f} at the last log")
    print(f"{seconds:.0f} s | written to {job.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
