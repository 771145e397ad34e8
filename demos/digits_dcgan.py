"""Train a DCGAN on real handwritten digits and score it with a classifier minigan trains itself.

    python demos/digits_dcgan.py                  # scikit-learn's 1,797 8x8 digits (pip install -e ".[digits]")
    python demos/digits_dcgan.py --data ~/mnist   # MNIST or Fashion-MNIST from its IDX files (28x28)
    python demos/digits_dcgan.py --loss wgan-gp   # WGAN-GP: a critic without BatchNorm, 5 critic steps

The generator and discriminator are DCGAN's (strided ConvTranspose2d and Conv2d, BatchNorm,
ReLU / LeakyReLU(0.2), Tanh, N(0, 0.02) weights, Adam(2e-4, betas (0.5, 0.999))). A loss
with a gradient penalty (wgan-gp, ns-r1) gets a critic without BatchNorm; WGAN and WGAN-GP
get their papers' critic steps and learning rates. The GAN trains on the training split;
the score compares 1,000 generated images with the held-out real ones in the features of a
small classifier trained on the training split (cached in runs/classifiers/, trained on
first use, or again with --train-classifier): the FID in that classifier's feature space,
the classes covered and the class-histogram KL to uniform, next to the same numbers for
real training images (the floor) and noise (the ceiling).

Everything lands in ``--out`` (default ``runs/digits_dcgan/<data>``, where ``<data>`` is ``digits`` or
the IDX folder's name and a fingerprint of its files): samples.npy (1,000
images (N, 1, H, W) in [-1, 1]), metrics.json, checkpoint.npz, grids/step_XXXXX.png (every
few hundred steps), samples.png (the final grid), curves.png, and training.gif (a fixed set
of latent vectors improving over training).
"""

import os
import sys
import time

from cli import RUN_SETTINGS, SIZE, Integer, Text, add_run_flags, fail, import_minigan, parse, write_json
from runs import checkpoint_in, restoring, run, run_config, saved_frames, saved_history, train_run, writable_folder

# DCGAN's settings; no weight average of G (ema_decay): G's BatchNorm running statistics
# would not match averaged weights, and eval-mode samples would come out washed out
DEFAULTS = dict(loss="non-saturating", steps=3000, batch_size=64, lr=2e-4, betas=(0.5, 0.999),
                n_critic=1, z_dim=32, width=32, ema_decay=None, seed=0, data=None)
# every setting's type and range, for the flags and for a resumed checkpoint's configuration; the
# sizes are bounded so that the largest run's arrays stay within a few GiB on 28x28 images
SETTINGS = dict(RUN_SETTINGS, batch_size=Integer(2, 512, SIZE, "G's BatchNorm normalises over the batch: "
                                                 "one image has nothing to normalise against"),
                z_dim=Integer(1, 1024, SIZE), width=Integer(1, 128, SIZE), data=Text(optional=True))
SAMPLES = 1000  # images generated for samples.npy and the score
GRID_EVERY = 500  # steps between the grids written to grids/ (and the score on the progress line)
FRAME_EVERY = 200  # steps between the GIF's frames
GRID = 100  # images per grid: 10 x 10


def build_parser():
    """The command-line flags."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/digits_dcgan/<data>", SETTINGS)
    parser.add_argument("--data", type=Text(), help="a folder with MNIST-style IDX files "
                        "(train-images-idx3-ubyte[.gz], ...); default: scikit-learn's 8x8 digits")
    parser.add_argument("--loss", help="the GAN objective: minimax, non-saturating, least-squares, hinge, "
                        "wasserstein, wgan-gp, ns-r1 or ls-r1 (default non-saturating)")
    parser.add_argument("--train-classifier", action="store_true",
                        help="(re)train the scoring classifier, cache it in runs/classifiers/ and exit")
    return parser


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


def classifier(train, test, retrain):
    """The scoring classifier for ``train``'s data set, from the cache or trained now."""
    from minigan.metrics import load_or_train_classifier
    from minigan.metrics.classifier import MIN_ACCURACY

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
    if accuracy < MIN_ACCURACY:
        print(f"warning: below the {100 * MIN_ACCURACY:.0f}% the score needs; retrain with --train-classifier",
              file=sys.stderr)
    return model


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan(args.loss)
    from minigan import optim
    from minigan.backend import fork_rng
    from minigan.data import BatchSampler
    from minigan.gan.losses import get_loss
    from minigan.metrics import classifier_score, features_and_predictions, fid_name, gaussian_stats, score_table
    from minigan.models import dcgan_discriminator, dcgan_generator
    from minigan.train import GANTrainer

    if args.data is not None:
        args.data = os.path.abspath(os.path.expanduser(args.data))  # the checkpoint records where the data is
    if args.out is None or args.train_classifier:  # the default folder is named by the data: load it first
        train, test = load_data(args.data)
    if args.train_classifier:
        classifier(train, test, retrain=True)
        return 0
    out = args.out or os.path.join("runs", "digits_dcgan", train.key)
    checkpoint, saved = checkpoint_in(out, args)
    config = run_config(args, DEFAULTS, SETTINGS, saved, checkpoint)
    if args.out is not None or config["data"] != args.data:  # not loaded yet, or not the checkpoint's data
        train, test = load_data(config["data"])
    if saved is not None and saved.get("data_key", train.key) != train.key:
        fail(f"--resume: the data in {config['data'] or 'scikit-learn'} is not the data of {checkpoint} "
             f"(fingerprints {train.key} and {saved['data_key']}); start a new run with --overwrite")
    if config["batch_size"] > len(train):
        fail(f"--batch-size {config['batch_size']} is more than the {len(train)} training images")
    scorer = classifier(train, test, retrain=False)  # after the flags' checks: training it takes a while

    minigan.manual_seed(config["seed"])
    size, channels = train.image_size, int(train.images.shape[1])
    G = dcgan_generator(config["z_dim"], size, channels, config["width"])
    objective = get_loss(config["loss"])
    D = dcgan_discriminator(size, channels, config["width"], batch_norm=not objective.has_penalty)
    betas = tuple(config["betas"])
    batches = BatchSampler(len(train))
    trainer = GANTrainer(G, D, optim.Adam(G.parameters(), lr=config["lr"], betas=betas),
                         optim.Adam(D.parameters(), lr=config["lr"], betas=betas),
                         lambda n: minigan.Tensor(train.images[batches.next(n)]), config["z_dim"],
                         config["batch_size"], objective, config["n_critic"], config["ema_decay"])
    fixed = trainer.noise(GRID)  # the GIF follows these latents from start to end
    frames, history = [], None
    if saved is not None:
        with restoring(checkpoint):
            trainer.load_state_dict(saved)
            batches.load_state(saved["batches"])
            history = saved_history(saved)
            frames = saved_frames(saved, [(GRID, channels, size, size)])
    reference = gaussian_stats(features_and_predictions(scorer, test.images)[0])
    os.makedirs(os.path.join(out, "grids"), exist_ok=True)

    def generate(z):
        """Images (N, C, H, W) from the generator in evaluation mode (BatchNorm with its running
        statistics): one image does not depend on the others in its batch."""
        sampler = trainer.sampler()
        was_training = sampler.training
        with minigan.no_grad():
            images = sampler.eval()(z).data
        sampler.train(was_training)
        return images

    def on_log(step, record):
        last = step == config["steps"]
        if not args.no_plots and (step % FRAME_EVERY == 0 or last):
            frames.append([step, minigan.to_numpy(generate(fixed))])
        if step % GRID_EVERY and not last:
            return None
        # the extra evaluation at the end of a run that stops between two regular ones draws its
        # noise without moving the training's generator: resumed, the run continues exactly
        with fork_rng(enabled=step % GRID_EVERY != 0):
            images = generate(trainer.noise(SAMPLES))
        if not args.no_plots:
            from minigan.plot import save_image_grid

            save_image_grid(os.path.join(out, "grids", f"step_{step:05d}.png"), minigan.to_numpy(images[:GRID]),
                            f"step {step}")
        return {"fid": classifier_score(scorer, images, reference)["fid"]}

    print(f"training a DCGAN ({config['loss']} loss) on {len(train)} real {size}x{size} {train.name} images "
          f"for {config['steps']} steps, writing to {out}", flush=True)
    start = time.perf_counter()
    history = train_run(trainer, config["steps"], out, checkpoint, saved is not None, log_every=100, on_log=on_log,
                        checkpoint_every=GRID_EVERY, history=history, extra_state={
                            "config": config, "frames": frames, "batches": batches.state, "data_key": train.key})
    seconds = time.perf_counter() - start

    samples = generate(trainer.noise(SAMPLES))
    table = score_table(scorer, train, test, samples, SAMPLES)
    import numpy

    numpy.save(os.path.join(out, "samples.npy"), minigan.to_numpy(samples))
    write_json(os.path.join(out, "metrics.json"),
               {"score": fid_name(train.name), "rows": table, "held_out": len(test), "steps": trainer.steps,
                "seconds": round(seconds, 1), "config": config})
    if not args.no_plots:
        from minigan.plot import save_grid_animation, save_image_grid, save_training_curves

        generated = table["generated"]
        save_image_grid(os.path.join(out, "samples.png"), minigan.to_numpy(samples[:GRID]),
                        f"{train.name}, step {trainer.steps}: {fid_name(train.name)} {generated['fid']:.1f}, "
                        f"{generated['classes']}/{generated['n_classes']} classes")
        save_training_curves(os.path.join(out, "curves.png"), history)
        save_grid_animation(os.path.join(out, "training.gif"), frames)
    print(f"{'':20} | {fid_name(train.name):>33} | classes | KL to uniform")
    for name, row in table.items():
        print(f"{name:20} | {row['fid']:33.2f} | {row['classes']:4}/{row['n_classes']:<2} | {row['kl_uniform']:.4f}")
    print(f"{seconds:.0f} s | written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
