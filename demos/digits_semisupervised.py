"""Train a digits classifier from a few labels and many unlabelled images: the semi-supervised GAN.

    python demos/digits_semisupervised.py --labels-per-class 10           # 100 labelled digits, the rest unlabelled
    python demos/digits_semisupervised.py --labels-per-class 10 --no-gan  # the same classifier on the 100 alone
    python demos/digits_semisupervised.py --data ~/mnist                  # MNIST from its IDX files (28x28)

The data is the digits' fixed train/test split that every digits demo shares
(demos/digits.py): ``--labels-per-class`` images of each class of the training split keep
their label, drawn by ``--seed`` (minigan/data/labels.py), and the rest of the training split
is used without labels. The test split is never trained on: the classifier is scored on it.

The classifier is D of a GAN with K real classes and a (K+1)-th, "generated", whose logit is
fixed at 0 (Salimans et al. 2016; minigan/models/semisupervised.py): it learns the classes
from the labelled images and "real or generated" from the unlabelled and the generated ones
(minigan/gan/semisupervised.py), and G, trained by feature matching, keeps making images
that D must tell from the unlabelled ones (minigan/train/semisupervised.py;
docs/semisupervised.md). ``--no-gan`` trains the same classifier, with the same optimizer and
the same labelled batches, on the labelled images alone.

Everything lands in ``--out`` (default ``runs/digits_semisupervised/<data>/<gan or no-gan>``):
test_predictions.npy (the class predicted for each test image), test_indices.npy (each test
image's index in scikit-learn's ``load_digits()``, or in the t10k files), metrics.json (test
accuracy, per class, the confusion matrix, the labelled images' indices and the learning
curves), checkpoint.npz, and the figures: confusion.png, curves.png and, with a GAN,
samples.png (generated images).
"""

import os
import sys
import time

from cli import (RUN_SETTINGS, SIZE, Choice, Integer, Number, Text, add_run_flags, fail, import_minigan, parse,
                 write_json)
from digits import load_data
from runs import checkpoint_in, resolve_config, restoring, run, saved_history, train_run

# the classifier is the digits scoring classifier's size without its BatchNorm; the optimizer and
# stabilisers are those docs/semisupervised.md measures
DEFAULTS = dict(labels_per_class=10, no_gan=False, steps=3000, batch_size=100, lr=1e-3, betas=(0.5, 0.999),
                z_dim=32, width=16, n_features=64, g_width=32, input_noise=0.15, dropout=0.2, unsupervised_weight=1.0,
                seed=0, data=None)
SETTINGS = dict(RUN_SETTINGS, labels_per_class=Integer(1, None, low_why="a class needs a labelled image"),
                no_gan=Choice(False, True), batch_size=Integer(2, 512, SIZE, "G's BatchNorm normalises over the "
                                                               "batch: one image has nothing to normalise against"),
                z_dim=Integer(1, 1024, SIZE), width=Integer(1, 128, SIZE), n_features=Integer(1, 4096, SIZE),
                g_width=Integer(1, 128, SIZE), input_noise=Number(0.0, 10.0, closed_low=True),
                dropout=Number(0.0, 1.0, closed_low=True), unsupervised_weight=Number(0.0, 100.0, closed_low=True),
                data=Text(optional=True))
LOG_EVERY = 100  # steps between the progress line's numbers, each with the test accuracy
CHECKPOINT_EVERY = 500
GRID = 100  # generated images in samples.png


def build_parser():
    """The command-line flags: every demo's, the data's and the semi-supervised GAN's."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/digits_semisupervised/<data>/<gan or no-gan>", SETTINGS)
    parser.add_argument("--labels-per-class", type=SETTINGS["labels_per_class"], help="labelled training images "
                        f"of each class, drawn by --seed (default {DEFAULTS['labels_per_class']})")
    parser.add_argument("--no-gan", action="store_const", const=True, help="train the classifier on the labelled "
                        "images alone: no generator, no unlabelled images")
    parser.add_argument("--data", type=Text(), help="a folder with MNIST-style IDX files "
                        "(train-images-idx3-ubyte[.gz], ...); default: scikit-learn's 8x8 digits")
    for flag, what in (("width", "channels of the classifier's first convolution"),
                       ("n-features", "the size of the classifier's features, which feature matching compares"),
                       ("g-width", "channels of G's last strided transposed convolution"),
                       ("input-noise", "the standard deviation of the Gaussian noise on the classifier's input"),
                       ("dropout", "the classifier's dropout probability"),
                       ("unsupervised-weight", "the weight of the real/generated loss in D's loss")):
        key = flag.replace("-", "_")
        parser.add_argument(f"--{flag}", type=SETTINGS[key], help=f"{what} (default {DEFAULTS[key]})")
    return parser


def test_scores(classifier, test):
    """The classifier's predictions (N,) on the test images (evaluation mode: no noise, no
    dropout), as a host array, and its accuracy on them."""
    import minigan
    from minigan.metrics import features_and_predictions

    predictions = features_and_predictions(classifier, test.images)[1]
    return predictions, float((predictions == minigan.to_numpy(test.labels)).mean())


def per_class_scores(predictions, labels, n_classes):
    """The confusion matrix (K, K), row = true class, column = predicted, and each class's accuracy."""
    import numpy

    confusion = numpy.zeros((n_classes, n_classes), dtype="int64")
    numpy.add.at(confusion, (labels, predictions), 1)
    return confusion, (confusion.diagonal() / numpy.maximum(confusion.sum(1), 1)).tolist()


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    if args.n_critic is not None:
        fail("--n-critic: the semi-supervised GAN updates D once per update of G")
    minigan = import_minigan()
    import numpy

    from minigan import optim
    from minigan.data.labels import split_labelled
    from minigan.models import dcgan_generator
    from minigan.models.semisupervised import SemiSupervisedClassifier
    from minigan.train.semisupervised import SemiSupervisedGANTrainer

    if args.data is not None:
        args.data = os.path.abspath(os.path.expanduser(args.data))  # the checkpoint records where the data is
    train, test = load_data(args.data)
    out = args.out or os.path.join("runs", "digits_semisupervised", train.key, "no-gan" if args.no_gan else "gan")
    checkpoint, saved = checkpoint_in(out, args)
    config = resolve_config(args, DEFAULTS, SETTINGS, saved, checkpoint)
    if config["data"] != args.data:  # a resumed run trains on its checkpoint's data
        train, test = load_data(config["data"])
    if saved is not None and saved.get("data_key") != train.key:
        fail(f"--resume: the data in {config['data'] or 'scikit-learn'} is not the data of {checkpoint}; "
             "start a new run with --overwrite")
    try:
        labelled, unlabelled = split_labelled(train, config["labels_per_class"], config["seed"])
    except ValueError as err:
        fail(f"--labels-per-class: {err}")
    if config["batch_size"] > len(unlabelled):
        fail(f"--batch-size {config['batch_size']} is more than the {len(unlabelled)} unlabelled images")
    gan = not config["no_gan"]

    minigan.manual_seed(config["seed"])
    size, channels, n_classes = train.image_size, int(train.images.shape[1]), train.n_classes
    D = SemiSupervisedClassifier(size, channels, n_classes, config["width"], config["n_features"],
                                 config["input_noise"], config["dropout"])
    G = dcgan_generator(config["z_dim"], size, channels, config["g_width"]) if gan else None
    betas = tuple(config["betas"])
    trainer = SemiSupervisedGANTrainer(G, D, optim.Adam(G.parameters(), lr=config["lr"], betas=betas) if gan else None,
                                       optim.Adam(D.parameters(), lr=config["lr"], betas=betas), labelled,
                                       unlabelled, config["z_dim"], config["batch_size"],
                                       config["unsupervised_weight"])
    history = None
    if saved is not None:
        with restoring(checkpoint):
            trainer.load_state_dict(saved)
            history = saved_history(saved)

    def on_log(step, record):
        # the test images are only scored, never trained on, and nothing is chosen by this number
        return {"test_accuracy": test_scores(D, test)[1]}

    print(f"training a {'semi-supervised GAN' if gan else 'classifier without a GAN'} on {len(labelled)} labelled "
          + (f"and {len(unlabelled)} unlabelled " if gan else "") + f"{size}x{size} {train.name} images "
          f"({config['labels_per_class']} per class, seed {config['seed']}) for {config['steps']} steps, "
          f"writing to {out}", flush=True)
    start = time.perf_counter()
    history = train_run(trainer, config["steps"], out, checkpoint, saved is not None, log_every=LOG_EVERY,
                        on_log=on_log, checkpoint_every=CHECKPOINT_EVERY, history=history,
                        extra_state={"config": config, "data_key": train.key})
    seconds = time.perf_counter() - start

    predictions, accuracy = test_scores(D, test)
    confusion, per_class = per_class_scores(predictions, minigan.to_numpy(test.labels), n_classes)
    numpy.save(os.path.join(out, "test_predictions.npy"), predictions)
    numpy.save(os.path.join(out, "test_indices.npy"), test.indices)
    write_json(os.path.join(out, "metrics.json"),
               {"test_accuracy": accuracy, "per_class_accuracy": per_class, "confusion": confusion.tolist(),
                "test_images": len(test), "labelled_indices": labelled.indices.tolist(),
                "unlabelled_images": len(unlabelled) if gan else 0, "steps": trainer.steps,
                "seconds": round(seconds, 1), "config": config, "history": history})
    if not args.no_plots:
        from minigan.plot import save_confusion_matrix, save_image_grid, save_training_curves

        title = (f"{'GAN' if gan else 'no GAN'}, {len(labelled)} labels: {100 * accuracy:.2f}% of {len(test)} "
                 "test images")
        save_confusion_matrix(os.path.join(out, "confusion.png"), confusion, title)
        save_training_curves(os.path.join(out, "curves.png"), history)
        if gan:
            with minigan.no_grad():
                samples = G.eval()(trainer.noise(GRID)).data  # BatchNorm's running statistics: one image at a time
            save_image_grid(os.path.join(out, "samples.png"), minigan.to_numpy(samples),
                            f"generated, step {trainer.steps}", columns=10)
    print(f"test accuracy {100 * accuracy:.2f}% on {len(test)} images | per class: "
          + " ".join(f"{k}:{100 * a:.0f}%" for k, a in enumerate(per_class)))
    print(f"{seconds:.0f} s | written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
