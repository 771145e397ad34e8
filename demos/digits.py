"""What the two digits demos share: DCGAN's recipe and its flags, the data, the scoring
classifier, and the parts of a run around the training step.

``demos/digits_dcgan.py`` trains DCGAN on the digits; ``demos/digits_conditional.py`` trains
the same networks, with the same recipe, conditioned on the class (cGAN, ACGAN); InfoGAN's demo
adds a code to them, and BEGAN's (``demos/digits_began.py``) takes everything but DCGAN's
networks and loss. Each piece lives here once, so that the runs stay comparable:

* ``DEFAULTS``, ``SETTINGS``, ``add_digits_flags``, ``network_sizes``: the recipe and the flags
  that change it;
* ``prepare``: the data, the output folder, the run's configuration (a checkpoint's on
  ``--resume``) and the scoring classifier, each problem a one-line error;
* ``make_trainer``, ``restore``, ``train``: the optimizers and the trainer, resuming, and the
  training run with its checkpoints;
* ``generate``, ``evaluation``: images in evaluation mode, and the grids and scores taken
  during training;
* ``write_results``, ``save_history_figures``, ``print_scores``: samples.npy and metrics.json,
  the curves and the GIF, the printed score table.
"""

import os
import sys
import time
import types

from cli import RUN_SETTINGS, SIZE, Integer, Number, Text, fail, write_json
from runs import (
    checkpoint_in, resolve_config, restoring, run_config, save_training_gif, saved_frames, saved_history, train_run,
    writable_folder,
)

# DCGAN's optimizer and loss, with a stride-1 layer at the image's resolution in each network,
# samples from a weight average of G, and the run long enough for the average to pay
# (docs/results.md measures each)
DEFAULTS = dict(loss="non-saturating", steps=10000, batch_size=64, lr=2e-4, betas=(0.5, 0.999),
                n_critic=1, z_dim=32, width=64, full_res_width=32, ema_decay=0.999, seed=0, data=None)
# every setting's type and range, for the flags and for a resumed checkpoint's configuration; the
# sizes are bounded so that the largest run's arrays stay within a few GiB on 28x28 images
SETTINGS = dict(RUN_SETTINGS, batch_size=Integer(2, 512, SIZE, "G's BatchNorm normalises over the batch: "
                                                 "one image has nothing to normalise against"),
                z_dim=Integer(1, 1024, SIZE), width=Integer(1, 128, SIZE), full_res_width=Integer(0, 128, SIZE),
                ema_decay=Number(0.0, 1.0, closed_low=True), data=Text(optional=True))
SAMPLES = 1000  # images generated for samples.npy and the score
GRID_EVERY = 500  # steps between the grids written to grids/ (and the score on the progress line)
FRAME_EVERY = 200  # steps between the GIF's frames
GRID = 100  # images per grid
COLUMNS = 10  # images per row of a grid


# ---------------------------------------------------------------- the recipe and its flags

def add_digits_flags(parser, dcgan=True):
    """Add the flags of the data and of DCGAN's recipe to a demo's ``parser`` (``cli.add_run_flags``'s);
    returns it. ``dcgan=False`` leaves out DCGAN's loss and networks (--loss, --width,
    --full-res-width), for a demo with networks and a loss of its own (BEGAN's)."""
    parser.add_argument("--data", type=Text(), help="a folder with MNIST-style IDX files "
                        "(train-images-idx3-ubyte[.gz], ...); default: scikit-learn's 8x8 digits")
    if dcgan:
        parser.add_argument("--loss", help="the GAN objective: minimax, non-saturating, least-squares, hinge, "
                            "wasserstein, wgan-gp, ns-r1 or ls-r1 (default non-saturating)")
        parser.add_argument("--width", type=SETTINGS["width"], help="channels of D's first and G's last strided "
                            f"convolution; twice as many at the smallest feature map (default {DEFAULTS['width']})")
        parser.add_argument("--full-res-width", type=SETTINGS["full_res_width"], help="channels of the stride-1 "
                            f"3x3 convolution at the image's resolution in each network, 0 for none (default "
                            f"{DEFAULTS['full_res_width']})")
    parser.add_argument("--ema-decay", type=SETTINGS["ema_decay"], help="sample from a weight average of G with "
                        f"this decay, 0 for G itself (default {DEFAULTS['ema_decay']})")
    parser.add_argument("--train-classifier", action="store_true",
                        help="(re)train the scoring classifier, cache it in runs/classifiers/ and exit")
    return parser


def network_sizes(config, train):
    """The sizes DCGAN's generator and discriminator take, from the run's configuration and its data."""
    return dict(image_size=train.image_size, channels=int(train.images.shape[1]), width=config["width"],
                full_res_width=config["full_res_width"])


# ---------------------------------------------------------------- the data and the classifier

def load_data(folder):
    """``(train, test)`` ImageData: the IDX files in ``folder``, or the 8x8 digits; one-line errors."""
    from minigan.data import load_digits, load_idx_folder
    from minigan.models.dcgan import feature_map_size

    try:
        train, test = load_idx_folder(folder) if folder else load_digits()
        feature_map_size(train.image_size)  # G, D and the classifier halve the side twice
    except ImportError as err:  # scikit-learn missing: the message says what to install
        fail(str(err))
    except (OSError, ValueError) as err:
        fail(f"--data: {err}")
    return train, test


def classifier(train, test, retrain, min_accuracy=None):
    """The scoring classifier for ``train``'s data set, from the cache or trained now; a warning
    when its held-out accuracy is below ``min_accuracy`` (default ``MIN_ACCURACY``, 97%)."""
    from minigan.metrics import load_or_train_classifier
    from minigan.metrics.classifier import MIN_ACCURACY

    min_accuracy = MIN_ACCURACY if min_accuracy is None else min_accuracy
    path = os.path.join("runs", "classifiers", f"{train.key}.npz")
    if retrain or not os.path.lexists(path):
        writable_folder(os.path.dirname(path), "the classifier cache")  # now, not after training it
        print(f"training the scoring classifier on {len(train)} real {train.name} images, caching it in {path}",
              flush=True)
    try:
        model, accuracy, trained = load_or_train_classifier(
            path, train, test, retrain, log=lambda step, loss: print(f"  classifier step {step} | loss {loss:.4f}",
                                                                     flush=True))
    except ValueError as err:
        fail(f"{err}; retrain it with --train-classifier")
    print(f"scoring classifier: {100 * accuracy:.2f}% accuracy on {len(test)} held-out real images"
          + (" (trained now)" if trained else f" (cached in {path})"), flush=True)
    if accuracy < min_accuracy:
        print(f"warning: below the {100 * min_accuracy:.0f}% the score needs; retrain with --train-classifier",
              file=sys.stderr)
    return model


def prepare(args, folder, defaults=DEFAULTS, settings=SETTINGS, older=None):
    """The run that ``args`` asks for (a "job"), each problem a one-line error before anything trains.

    ``folder`` names the default output folder under runs/ (``runs/<folder>/<data key>``);
    ``older``: the settings a checkpoint may lack (``runs.resolve_config``).
    Returns a namespace: ``train``, ``test`` (ImageData), ``out``, ``checkpoint`` (its path),
    ``saved`` (its contents on ``--resume``, else ``None``), ``config`` and ``scorer`` (the
    classifier); ``None`` after ``--train-classifier``, which trains and caches the
    classifier and does nothing else.
    """
    if args.data is not None:
        args.data = os.path.abspath(os.path.expanduser(args.data))  # the checkpoint records where the data is
    if args.out is None or args.train_classifier:  # the default folder is named by the data: load it first
        train, test = load_data(args.data)
    if args.train_classifier:
        classifier(train, test, retrain=True)
        return None
    out = args.out or os.path.join("runs", folder, train.key)
    checkpoint, saved = checkpoint_in(out, args)
    # a run with a GAN loss takes its paper's settings under the flags; BEGAN's has no loss to choose
    config = (run_config if "loss" in defaults else resolve_config)(args, defaults, settings, saved, checkpoint, older)
    if args.out is not None or config["data"] != args.data:  # not loaded yet, or not the checkpoint's data
        train, test = load_data(config["data"])
    if saved is not None and saved.get("data_key", train.key) != train.key:
        fail(f"--resume: the data in {config['data'] or 'scikit-learn'} is not the data of {checkpoint} "
             f"(fingerprints {train.key} and {saved['data_key']}); start a new run with --overwrite")
    if config["batch_size"] > len(train):
        fail(f"--batch-size {config['batch_size']} is more than the {len(train)} training images")
    scorer = classifier(train, test, retrain=False)  # after the flags' checks: training it takes a while
    return types.SimpleNamespace(train=train, test=test, out=out, checkpoint=checkpoint, saved=saved, config=config,
                                 scorer=scorer, frames=[], history=None)


# ---------------------------------------------------------------- training

def make_trainer(trainer_class, G, D, sample_real, config, objective, **more):
    """A ``trainer_class`` (``GANTrainer`` or ``ConditionalGANTrainer``) of G and D: DCGAN's Adam
    for each, the run's batch size, loss (``objective``; ``None`` for a trainer that writes its
    own, BEGAN's) and critic steps, samples from a weight average of G with its warm-up
    (``ema_decay`` 0: from G itself); ``more`` goes to the trainer as well."""
    from minigan import optim

    if objective is not None:
        more["loss"] = objective
    betas = tuple(config["betas"])
    return trainer_class(G, D, optim.Adam(G.parameters(), lr=config["lr"], betas=betas),
                         optim.Adam(D.parameters(), lr=config["lr"], betas=betas), sample_real, config["z_dim"],
                         batch_size=config["batch_size"], n_critic=config["n_critic"],
                         ema_decay=config["ema_decay"] or None, ema_warmup=True, **more)


def restore(job, trainer, batches, frame_shapes):
    """On ``--resume``, load the checkpoint into the trainer and the batch order, and its GIF frames
    (each ``[step, images]``, the images of ``frame_shapes``) and history into ``job``."""
    if job.saved is None:
        return
    with restoring(job.checkpoint):
        trainer.load_state_dict(job.saved)
        batches.load_state(job.saved["batches"])
        job.history = saved_history(job.saved)
        job.frames = saved_frames(job.saved, frame_shapes)


def generate(trainer, *inputs, network=None):
    """Images (N, C, H, W) from the trainer's sampler (the weight average of G), or ``network``,
    in evaluation mode, BatchNorm with its running statistics: one image does not depend on the
    others in its batch. ``inputs``: the noise z (N, z_dim), and for a conditional G the labels (N,)."""
    from minigan import no_grad

    sampler = trainer.sampler() if network is None else network
    was_training = sampler.training
    with no_grad():
        images = sampler.eval()(*inputs).data
    sampler.train(was_training)
    return images


def evaluation(args, job, frame, sample, score):
    """``fit``'s ``on_log`` for a digits run.

    Every ``FRAME_EVERY`` steps (and at the last) it adds ``frame()``, images of fixed latents,
    to the GIF's frames; every ``GRID_EVERY`` steps (and at the last) ``sample()`` gives new
    images and the grid of them to save in grids/, and ``score(images)`` the numbers that join
    the progress line and the history.
    """
    import minigan
    from minigan.backend import fork_rng

    os.makedirs(os.path.join(job.out, "grids"), exist_ok=True)

    def on_log(step, record):
        last = step == job.config["steps"]
        if not args.no_plots and (step % FRAME_EVERY == 0 or last):
            job.frames.append([step, minigan.to_numpy(frame())])
        if step % GRID_EVERY and not last:
            return None
        # the extra evaluation at the end of a run that stops between two regular ones draws its
        # noise without moving the training's generator: resumed, the run continues exactly
        with fork_rng(enabled=step % GRID_EVERY != 0):
            images, grid = sample()
        if not args.no_plots:
            from minigan.plot import save_image_grid

            save_image_grid(os.path.join(job.out, "grids", f"step_{step:05d}.png"), minigan.to_numpy(grid),
                            f"step {step}", columns=COLUMNS)
        return score(images)

    return on_log


def train(job, trainer, batches, on_log, what, schedulers=()):
    """Train ``what`` (the model, for the first line) to the run's last step, checkpointing every
    ``GRID_EVERY`` steps with the configuration, the frames, the batch order and the data's key,
    stepping ``schedulers`` (learning-rate schedules) after every step; returns the seconds it took."""
    size = job.train.image_size
    print(f"training {what} on {len(job.train)} real {size}x{size} {job.train.name} images for "
          f"{job.config['steps']} steps, writing to {job.out}", flush=True)
    start = time.perf_counter()
    job.history = train_run(trainer, job.config["steps"], job.out, job.checkpoint, job.saved is not None,
                            log_every=100, on_log=on_log, checkpoint_every=GRID_EVERY, history=job.history,
                            schedulers=schedulers,
                            extra_state={"config": job.config, "frames": job.frames, "batches": batches.state,
                                         "data_key": job.train.key})
    return time.perf_counter() - start


# ---------------------------------------------------------------- results

def write_results(job, trainer, samples, seconds, **more):
    """Score ``samples`` (N, C, H, W) (``score_table``), save them as samples.npy and write
    metrics.json: ``more``, then the score's rows, the steps, the seconds and the configuration.
    Returns the table."""
    import numpy

    from minigan import to_numpy
    from minigan.metrics import fid_name, score_table

    table = score_table(job.scorer, job.train, job.test, samples, SAMPLES)
    numpy.save(os.path.join(job.out, "samples.npy"), to_numpy(samples))
    write_json(os.path.join(job.out, "metrics.json"),
               {"score": fid_name(job.train.name), **more, "rows": table, "held_out": len(job.test),
                "steps": trainer.steps, "seconds": round(seconds, 1), "config": job.config})
    return table


def save_history_figures(job):
    """curves.png (the training curves) and training.gif (the frames) in the run's folder."""
    from minigan.plot import save_grid_animation, save_training_curves

    save_training_curves(os.path.join(job.out, "curves.png"), job.history)
    save_training_gif(save_grid_animation, os.path.join(job.out, "training.gif"), job.frames, columns=COLUMNS)


def print_scores(job, table):
    """Print the score table: one row per set of images (``score_table``'s)."""
    from minigan.metrics import fid_name

    print(f"{'':20} | {fid_name(job.train.name):>33} | classes | KL to uniform | confidence")
    for name, row in table.items():
        print(f"{name:20} | {row['fid']:33.2f} | {row['classes']:4}/{row['n_classes']:<2} | {row['kl_uniform']:13.4f} "
              f"| {row['confidence']:.3f}")
