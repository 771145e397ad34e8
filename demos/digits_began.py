"""Train BEGAN on real handwritten digits: an autoencoder for D, and a number that falls as the digits improve.

    python demos/digits_began.py                  # scikit-learn's 8x8 digits, gamma 0.5
    python demos/digits_began.py --gamma 0.3      # a lower diversity ratio: sharper, less varied (the paper's claim)
    python demos/digits_began.py --data ~/mnist   # MNIST or Fashion-MNIST from its IDX files (28x28)

BEGAN (Berthelot et al. 2017; minigan/models/began.py and minigan/train/began.py, docs/began.md):
D is an autoencoder with ELU and nearest-neighbour upsampling, and L(v) = mean |v - D(v)| its
reconstruction error. D minimises L(x) - k_t L(G(z)), G minimises L(G(z)), and a proportional
controller moves k_t so that L(G(z)) stays gamma L(x) (--gamma, in (0, 1]). The convergence
measure M_global = L(x) + |gamma L(x) - L(G(z))| is shown on the progress line with k_t.
Adam for both networks, samples from a weight average of G (--ema-decay), as the DCGAN demo's.

The score is the DCGAN demo's table (FID in the features of the scoring classifier, classes
covered, class KL to uniform, confidence), the within-class diversity (each generated image
grouped by the class the classifier predicts, compared with the real held-out images of that
class; 1 is as varied as the real digits), and the paper's claim tested: at every evaluation
(every 500 steps) M_global is measured with the current D and G on 1,000 real training images
and 1,000 fixed latents (taken at that step, not averaged over the steps before it), and
metrics.json holds the series (step, M_global, FID) and Spearman's rank correlation of the two.

Everything lands in ``--out`` (default ``runs/digits_began/<data>``): samples.npy (1,000 images
(N, 1, H, W) in [-1, 1]), metrics.json (with the history: M_global, k_t, both losses and the FID
at each log), checkpoint.npz (k_t included), grids/step_XXXXX.png, and the figures: samples.png,
reconstructions.png (rows: real held-out images, D's reconstructions of them, generated images,
D's reconstructions of those), curves.png and training.gif.
"""

import math
import os
import sys

from cli import Number, add_run_flags, import_minigan, parse
from digits import DEFAULTS as DCGAN_DEFAULTS
from digits import SETTINGS as DCGAN_SETTINGS
from digits import (
    COLUMNS, GRID, SAMPLES, add_digits_flags, evaluation, generate, make_trainer, prepare, print_scores, restore,
    save_history_figures, train, write_results,
)
from runs import run

# the DCGAN demo's steps, batch, betas, noise size and weight average; BEGAN's gamma, and networks
# narrow enough for a run of a few minutes on one CPU core (docs/results.md measures them)
DEFAULTS = dict({k: v for k, v in DCGAN_DEFAULTS.items() if k not in ("loss", "full_res_width")}, width=16,
                lr=2e-4, gamma=0.5)
SETTINGS = dict(DCGAN_SETTINGS, gamma=Number(0.0, 1.0, closed_high=True))
EVAL_BATCH = 250  # images per pass of D when M_global is measured on SAMPLES of them


def build_parser():
    """The command-line flags: every demo's, the digits' (``digits.add_digits_flags``, without
    DCGAN's loss and networks), --width and --gamma."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/digits_began/<data>", SETTINGS)
    parser.add_argument("--width", type=SETTINGS["width"], help="channels of each network's convolutions at the "
                        f"image's resolution; the encoder's grow to 3 times as many (default {DEFAULTS['width']})")
    parser.add_argument("--gamma", type=SETTINGS["gamma"], help="the diversity ratio in (0, 1]: the controller holds "
                        f"L(G(z)) at gamma L(x) (default {DEFAULTS['gamma']})")
    return add_digits_flags(parser, dcgan=False)


def reconstruction_error(D, images):
    """L(v) = mean |v - D(v)| over ``images`` (N, C, H, W), a float, D run ``EVAL_BATCH`` images at a time
    without recording a graph (BEGAN's D has no BatchNorm: nothing depends on the batch)."""
    from minigan import Tensor, no_grad
    from minigan.models import reconstruction_loss

    total = 0.0
    with no_grad():
        for i in range(0, images.shape[0], EVAL_BATCH):
            part = images[i:i + EVAL_BATCH]
            total += float(reconstruction_loss(D, Tensor(part)).data) * part.shape[0]  # the batch's sum
    return total / images.shape[0]


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan()
    from minigan.data import BatchSampler
    from minigan.metrics import (
        classifier_score, features_and_predictions, fid_name, gaussian_stats, predicted_class_diversity, spearman,
    )
    from minigan.models import BEGANDiscriminator, BEGANGenerator
    from minigan.train import BEGANTrainer

    job = prepare(args, "digits_began", DEFAULTS, SETTINGS)
    if job is None:  # --train-classifier: trained and cached
        return 0
    config = job.config
    minigan.manual_seed(config["seed"])
    size, channels = job.train.image_size, int(job.train.images.shape[1])
    G = BEGANGenerator(config["z_dim"], size, channels, config["width"])
    D = BEGANDiscriminator(size, channels, config["width"], h_dim=config["z_dim"])  # the paper's N_h = N_z
    batches = BatchSampler(len(job.train))
    trainer = make_trainer(BEGANTrainer, G, D, lambda n: minigan.Tensor(job.train.images[batches.next(n)]), config,
                           None, gamma=config["gamma"])
    fixed = trainer.noise(GRID)  # the GIF follows these latents from start to end
    measured = trainer.noise(SAMPLES)  # M_global at each evaluation: the same latents every time
    restore(job, trainer, batches, [(GRID, channels, size, size)])
    reference = gaussian_stats(features_and_predictions(job.scorer, job.test.images)[0])
    real = job.train.images[:SAMPLES]

    def m_global():
        """M_global = L(x) + |gamma L(x) - L(G(z))| of the current D and G (not its weight average, which
        D never trained against; in evaluation mode) on the real images ``real`` and the latents ``measured``."""
        l_real, l_fake = reconstruction_error(D, real), reconstruction_error(D, generate(trainer, measured, network=G))
        return l_real + abs(config["gamma"] * l_real - l_fake)

    def sample():
        """New images to score, and the grid of the first ``GRID`` of them."""
        images = generate(trainer, trainer.noise(SAMPLES))
        return images, images[:GRID]

    on_log = evaluation(args, job, lambda: generate(trainer, fixed), sample,
                        lambda images: {"fid": classifier_score(job.scorer, images, reference)["fid"],
                                        "m_global_eval": m_global()})
    seconds = train(job, trainer, batches, on_log, f"BEGAN (gamma {config['gamma']})")

    samples = generate(trainer, trainer.noise(SAMPLES))
    diversity, per_class_diversity = predicted_class_diversity(job.scorer, samples, job.test.images, job.test.labels)
    series = [[r["step"], round(r["m_global_eval"], 6), round(r["fid"], 4)] for r in job.history if "fid" in r]
    rho = spearman([m for _, m, _ in series], [f for _, _, f in series]) if len(series) >= 2 else math.nan
    last = job.history[-1]
    table = write_results(job, trainer, samples, seconds, model="began", gamma=config["gamma"],
                          lambda_k=trainer.lambda_k, k_final=last["k"], m_global_final=series[-1][1],
                          diversity=diversity, per_class_diversity=per_class_diversity,
                          m_global_fid=dict(measured="at each evaluation, with the current D and G (not averaged over "
                                            "the steps before it), on 1,000 real training images and 1,000 fixed "
                                            "latents", series=series,
                                            spearman=None if math.isnan(rho) else round(rho, 4)),
                          history=job.history)
    if not args.no_plots:
        from minigan.plot import save_image_grid

        generated = table["generated"]
        save_image_grid(os.path.join(job.out, "samples.png"), minigan.to_numpy(samples[:GRID]),
                        f"BEGAN, step {trainer.steps}: {fid_name(job.train.name)} {generated['fid']:.1f}, "
                        f"{generated['classes']}/{generated['n_classes']} classes", columns=COLUMNS)
        pairs = []
        for images in (job.test.images[:COLUMNS], samples[:COLUMNS]):
            with minigan.no_grad():
                pairs += [images, D(minigan.Tensor(images)).data]
        grid = minigan.backend.xp().concatenate(pairs).clip(-1.0, 1.0)  # D's output is unbounded: shown in range
        save_image_grid(os.path.join(job.out, "reconstructions.png"), minigan.to_numpy(grid),
                        "rows: real, D(real), generated, D(generated)", columns=COLUMNS)
        save_history_figures(job)
    print_scores(job, table)
    shown = "n/a" if diversity is None else f"{diversity:.3f}"
    print(f"\nwithin-class diversity (of real, by predicted class): {shown} | k_t {last['k']:.4f} | "
          f"M_global {series[-1][1]:.4f}")
    print(f"Spearman rank correlation of M_global and FID over {len(series)} evaluations: "
          + ("n/a" if math.isnan(rho) else f"{rho:.3f}"))
    print(f"{seconds:.0f} s | written to {job.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
