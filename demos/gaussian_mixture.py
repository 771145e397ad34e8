"""Train a GAN on a 2D mixture of Gaussians and watch it cover every mode.

    python demos/gaussian_mixture.py                   # the ring: 8 Gaussians on a circle
    python demos/gaussian_mixture.py --dataset grid    # 25 Gaussians on a 5 x 5 grid

The data sets and the scores follow PacGAN and VEEGAN: a generated point is high quality
when it lies within 3 standard deviations of its nearest mode; a mode is covered when it
is the nearest mode of at least one high-quality point; the reverse KL compares the
high-quality points' histogram over the modes with the uniform one.

Everything lands in ``--out`` (default ``runs/gaussian_mixture/<dataset>``): samples.npy,
metrics.json, checkpoint.npz, samples.png (the points over D's decision surface),
curves.png, and training.gif (the same picture evolving over training).
"""

import os
import sys
import time

# One BLAS thread unless the environment asks for more, set before NumPy loads its BLAS: this
# demo's products are small (a few hundred rows by about 100), and one thread does them about as fast
# as two that must meet after each product, or faster (docs/results.md times both).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from cli import (RUN_SETTINGS, SIZE, Choice, Integer, Number, OrNone, add_run_flags, fail, import_minigan, parse,
                 write_json)
from runs import (
    checkpoint_in, restoring, run, run_config, save_training_gif, saved_frames, saved_history, train_run,
)

# Defaults per data set: the settings behind the tables of docs/results.md.
DEFAULTS = {
    "ring": dict(loss="least-squares", steps=25000, batch_size=512, lr=1e-3, betas=(0.5, 0.999), n_critic=1,
                 z_dim=8, width=112, depth=3, pack=4, ema_decay=0.999, seed=0, r1_gamma=None, r1_every=None),
    "grid": dict(loss="ls-r1", steps=26000, batch_size=256, lr=2e-3, betas=(0.5, 0.999), n_critic=2,
                 z_dim=8, width=96, depth=3, pack=4, ema_decay=0.999, seed=0, r1_gamma=None, r1_every=None),
}  # r1_gamma, r1_every None: the loss's own (ns-r1 1 and 1, ls-r1 0.05 and 8); set by --r1-gamma, --r1-every
R1_SETTINGS = {"r1_gamma": "gamma", "r1_every": "penalty_every"}  # the configuration's keys, the loss's attributes
# every setting's type and range, for the flags and for a resumed checkpoint's configuration; the
# sizes are bounded so that the largest run's arrays stay within a few GiB (a hidden layer of the
# largest batch is 16384 x 1024 float32 numbers, 64 MiB, and a step keeps a few dozen of them)
SETTINGS = dict(RUN_SETTINGS, batch_size=Integer(1, 16384, SIZE), width=Integer(1, 1024, SIZE),
                z_dim=Integer(1, 1024, SIZE), depth=Integer(1, 8, SIZE), pack=Integer(1, 64, SIZE),
                r1_gamma=OrNone(Number()), r1_every=OrNone(Integer(1, 1000)), dataset=Choice(*DEFAULTS))
EVAL_SAMPLES = 2500  # the protocol's sample count
EVAL_EVERY = 500
FRAME_POINTS = 1000  # points drawn per GIF frame
SURFACE = 100  # the decision surface is computed on SURFACE x SURFACE points


def build_parser():
    """The command-line flags."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/gaussian_mixture/<dataset>", SETTINGS)
    parser.add_argument("--dataset", choices=sorted(DEFAULTS), help="the mixture to learn (default ring)")
    parser.add_argument("--loss", help="the GAN objective: minimax, non-saturating, least-squares, hinge, "
                        "wasserstein, wgan-gp, ns-r1 or ls-r1 (default: least-squares on the ring, "
                        "ls-r1 on the grid)")
    parser.add_argument("--width", type=SETTINGS["width"], help="hidden units in each layer of G and D (default: "
                        f"{DEFAULTS['ring']['width']} on the ring, {DEFAULTS['grid']['width']} on the grid)")
    parser.add_argument("--r1-gamma", type=SETTINGS["r1_gamma"], help="the weight of the R1 penalty of ns-r1 and "
                        "ls-r1 (default: the loss's own, 1 and 0.05)")
    parser.add_argument("--r1-every", type=SETTINGS["r1_every"], help="add the R1 penalty on every k-th update of D "
                        "only, k times as strong (default: the loss's own, 1 for ns-r1 and 8 for ls-r1)")
    return parser


def decision_surface(discriminator, extent, pack, scale):
    """D's logit at SURFACE x SURFACE grid points over ``extent`` (a NumPy (H, W) array).

    D works on data divided by ``scale``. With packing, each grid point is judged as a
    pack of ``pack`` copies of itself.
    """
    import numpy

    import minigan

    xs = numpy.linspace(extent[0], extent[1], SURFACE)
    ys = numpy.linspace(extent[2], extent[3], SURFACE)
    points = numpy.stack(numpy.meshgrid(xs, ys), axis=-1).reshape(-1, 1, 2)
    points = (numpy.repeat(points, pack, axis=1).reshape(-1, 2) / scale).astype("float32")
    with minigan.no_grad():
        logits = discriminator(minigan.Tensor(minigan.backend.xp().asarray(points)))
    return minigan.to_numpy(logits.data).reshape(SURFACE, SURFACE)


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan(args.loss)
    from minigan import optim
    from minigan.backend import fork_rng
    from minigan.data import get_dataset
    from minigan.gan.losses import R1Penalty, get_loss
    from minigan.metrics import mode_metrics
    from minigan.models import mlp_discriminator, mlp_generator
    from minigan.train import GANTrainer

    dataset = args.dataset or "ring"
    out = args.out or os.path.join("runs", "gaussian_mixture", dataset)
    checkpoint, saved = checkpoint_in(out, args)
    config = run_config(args, {**DEFAULTS[dataset], "dataset": dataset}, SETTINGS, saved, checkpoint)
    if config["batch_size"] % config["pack"]:
        fail(f"--batch-size {config['batch_size']} must be a multiple of the pack size {config['pack']}")
    loss = get_loss(config["loss"])
    for key, attribute in R1_SETTINGS.items():  # --r1-gamma, --r1-every
        if isinstance(loss, R1Penalty):
            if config[key] is not None:
                setattr(loss, attribute, config[key])
            config[key] = getattr(loss, attribute)  # the run's configuration records what it used
        elif config[key] is not None:
            fail(f"--{key.replace('_', '-')} applies to the losses with an R1 penalty (ns-r1, ls-r1), "
                 f"not to {config['loss']}")

    minigan.manual_seed(config["seed"])
    data = get_dataset(config["dataset"])
    # the networks see the data divided by its extent, so that the ring (+-1) and the grid (+-4)
    # both land in [-1, 1], where the default initialisation and learning rates are at home
    scale = float(abs(data.centers).max())
    G = mlp_generator(config["z_dim"], 2, config["width"], config["depth"])
    D = mlp_discriminator(2, config["width"], config["depth"], config["pack"])
    betas = tuple(config["betas"])
    trainer = GANTrainer(G, D, optim.Adam(G.parameters(), lr=config["lr"], betas=betas),
                         optim.Adam(D.parameters(), lr=config["lr"], betas=betas),
                         lambda n: data.sample(n) * (1.0 / scale), config["z_dim"], config["batch_size"],
                         loss, config["n_critic"], config["ema_decay"])
    frames, history = [], None
    if saved is not None:
        with restoring(checkpoint):
            trainer.load_state_dict(saved)
            history = saved_history(saved)
            frames = saved_frames(saved, [(FRAME_POINTS, 2), (SURFACE, SURFACE)])
    extent = (-1.5 * scale, 1.5 * scale, -1.5 * scale, 1.5 * scale)

    def generate(n):
        """n points from the generator (its weight average), in the data's units, on the host."""
        with minigan.no_grad():
            return minigan.to_numpy(trainer.sampler()(trainer.noise(n)).data) * scale

    # the learning rate decays linearly to 0 at the run's --steps: the last steps polish the modes'
    # precision. A resumed run with a larger --steps decays from where it is towards the new end
    # (docs/checkpoints.md); with the same --steps it continues the same decay exactly.
    schedulers = [optim.LambdaLR(opt, lambda t: 1 - t / config["steps"], config["lr"], trainer.steps)
                  for opt in (trainer.g_optimizer, trainer.d_optimizer)]

    def evaluate(step, record):
        rate = {"lr": trainer.g_optimizer.lr}  # the rate of the steps after this one, in the history
        if step % EVAL_EVERY and step != config["steps"]:
            return rate
        with fork_rng(enabled=step % EVAL_EVERY != 0):  # as in digits.py: resuming continues exactly
            fake = generate(EVAL_SAMPLES)
        scores = mode_metrics(fake, data.centers, data.std)
        if not args.no_plots:
            frames.append([step, fake[:FRAME_POINTS], decision_surface(D, extent, config["pack"], scale)])
        return {**rate, "modes": scores["modes"], "high_quality": scores["high_quality"]}

    print(f"training a GAN on the {config['dataset']} ({len(data.centers)} modes) for "
          f"{config['steps']} steps, writing to {out}", flush=True)
    start = time.perf_counter()
    history = train_run(trainer, config["steps"], out, checkpoint, saved is not None, log_every=100,
                        on_log=evaluate, checkpoint_every=EVAL_EVERY * 4, history=history, schedulers=schedulers,
                        extra_state={"config": config, "frames": frames})
    seconds = time.perf_counter() - start

    samples = generate(EVAL_SAMPLES)
    scores = mode_metrics(samples, data.centers, data.std)
    import numpy

    numpy.save(os.path.join(out, "samples.npy"), samples)
    write_json(os.path.join(out, "metrics.json"),
               {**scores, "steps": trainer.steps, "seconds": round(seconds, 1), "config": config})
    if not args.no_plots:
        from minigan.plot import save_animation, save_samples_figure, save_training_curves

        real = minigan.to_numpy(data.sample(EVAL_SAMPLES).data)
        title = (f"{config['dataset']}, {config['loss']}: {scores['modes']}/{scores['n_modes']} modes, "
                 f"{100 * scores['high_quality']:.1f}% high quality")
        save_samples_figure(os.path.join(out, "samples.png"), real, samples,
                            decision_surface(D, extent, config["pack"], scale), extent, title)
        save_training_curves(os.path.join(out, "curves.png"), history)
        save_training_gif(save_animation, os.path.join(out, "training.gif"), frames, real[:FRAME_POINTS], extent)
    kl = "n/a" if scores["reverse_kl"] is None else f"{scores['reverse_kl']:.4f}"
    print(f"modes {scores['modes']}/{scores['n_modes']} | high quality {100 * scores['high_quality']:.1f}% "
          f"| reverse KL {kl} | {seconds:.0f} s | written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
