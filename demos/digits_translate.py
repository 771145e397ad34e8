"""Translate plain digits into digits on photos, with pairs (pix2pix) or without (CycleGAN).

    python demos/digits_translate.py                     # pix2pix: U-Net G, PatchGAN D, L1 weight 100
    python demos/digits_translate.py --model cyclegan    # CycleGAN: two G, two D, the cycle, no pairs
    python demos/digits_translate.py --model cyclegan --lambda-identity 0.5   # and the identity term

The data (minigan/data/translation.py, pip install -e ".[digits]"): domain A is scikit-learn's
8x8 digits at 16x16 (each pixel repeated into a 2x2 block), domain B the same digits blended
into random patches of scikit-learn's two sample photographs (MNIST-M's |patch - digit|),
training patches from the photos' left halves, test patches from their right halves; the
digits' train/test split is the other digits demos'. pix2pix trains on the pairs (a, b);
CycleGAN on A images of one half of the training digits and B images of the other half, never
a pair. The networks are minigan/models/translation.py's, the steps minigan/train/translation.py's
(docs/translation.md); both papers' Adam (2e-4, betas (0.5, 0.999)), the learning rate constant
for the first half of the run and then decayed linearly to 0.

The scores, on the held-out digits: the class preserved, how often a classifier trained on real
B training images (cached in runs/classifiers/, trained on first use or again with
--train-classifier) names the digit's own class in G(a); pix2pix's L1 between G(a) and the true
b; CycleGAN's use in domain adaptation: a classifier trained only on G(a) of its A training
images, with A's labels, tested on real B test images, against the same classifier trained on A
itself ("source only") and on its B training images with their labels ("target oracle"), and the
fraction of the gap between those two that the translation closes; and the digits demos' table,
in the B classifier's features.

Everything lands in ``--out`` (default ``runs/digits_translate/<model>``): samples.npy (G(a) of
every held-out digit, (N, 3, 16, 16) in [-1, 1], in the test split's order), metrics.json,
checkpoint.npz, grids/step_XXXXX.png, translations.png (one held-out digit of each class per
column; rows a, G(a), the true b and, for CycleGAN, F(G(a)), the cycle back), curves.png and
training.gif (the same rows over training).
"""

import os
import sys
import types

from cli import RUN_SETTINGS, SIZE, Choice, Integer, Number, add_run_flags, fail, import_minigan, parse
from digits import COLUMNS, classifier, evaluation, print_scores, restore, save_history_figures, train, write_results
from runs import checkpoint_in, run, run_config

MODELS = {"pix2pix": "pix2pix", "cyclegan": "CycleGAN"}  # --model, and how the first line names it
COMMON = dict(batch_size=16, lr=2e-4, betas=(0.5, 0.999), n_critic=1, width=32, seed=0)
# each model's recipe (docs/translation.md): the papers' loss and weights, sized for two CPU cores
# (CycleGAN's step makes six translations and six judgements, pix2pix's two and three). pix2pix
# stops early: past about 1,000 steps it learns which photo patch each training digit was blended
# into, its L1 on the training pairs falling while the held-out L1 and class preserved get worse.
# CycleGAN keeps the paper's identity term (0.5 of the cycle's weight): without it G drew the
# digit less readably (87-88% class preserved in seeds 0 and 1, 97% with it; docs/results.md)
DEFAULTS = {
    "pix2pix": dict(COMMON, model="pix2pix", loss="non-saturating", steps=1000, lambda_l1=100.0),
    "cyclegan": dict(COMMON, model="cyclegan", loss="least-squares", steps=2000, width=16, n_blocks=2,
                     lambda_cycle=10.0, lambda_identity=0.5, history_size=50, classifier_steps=500),
}
SETTINGS = dict(RUN_SETTINGS, model=Choice(*MODELS), batch_size=Integer(1, 512, SIZE), width=Integer(1, 128, SIZE),
                n_blocks=Integer(0, 16, SIZE), lambda_l1=Number(0.0, 1e4, closed_low=True),
                lambda_cycle=Number(0.0, 1e4, closed_low=True), lambda_identity=Number(0.0, 100.0, closed_low=True),
                history_size=Integer(0, 10000, SIZE), classifier_steps=Integer(1, 100000))
MIN_ACCURACY = 0.93  # the B classifier's held-out accuracy below which its scores are in doubt
ROWS = {"pix2pix": ("a", "G(a)", "b"), "cyclegan": ("a", "G(a)", "b", "F(G(a))")}  # translations.png's rows


def build_parser():
    """The command-line flags: every demo's, ``--model`` and each model's own."""
    parser = add_run_flags(__doc__.split("\n\n")[0], "runs/digits_translate/<model>", SETTINGS)
    parser.add_argument("--model", choices=list(MODELS), help="pix2pix: paired, G's output pulled to the true b by "
                        "an L1 term; cyclegan: unpaired, held by the cycle (default pix2pix)")
    parser.add_argument("--loss", help="the GAN objective, one without a gradient penalty (default: non-saturating "
                        "for pix2pix, least-squares for CycleGAN, the papers')")
    for flag, what, model in (
            ("width", "channels of the networks' first layer", None),
            ("lambda-l1", "the weight of the L1 term", "pix2pix"),
            ("n-blocks", "residual blocks in each generator", "cyclegan"),
            ("lambda-cycle", "the weight of the cycle term", "cyclegan"),
            ("lambda-identity", "the identity term's weight as a fraction of --lambda-cycle, 0 for none (0.5 in the "
                                "paper where it is used)", "cyclegan"),
            ("history-size", "generated images in each D's history, 0 for none", "cyclegan"),
            ("classifier-steps", "training steps of each domain-adaptation classifier", "cyclegan")):
        key = flag.replace("-", "_")
        defaults = ", ".join(f"{m} {DEFAULTS[m][key]}" for m in ((model,) if model else MODELS))
        parser.add_argument(f"--{flag}", type=SETTINGS[key], help=f"{what} (default {defaults})")
    parser.add_argument("--train-classifier", action="store_true",
                        help="(re)train the B scoring classifier, cache it in runs/classifiers/ and exit")
    return parser


def load_pairs():
    """``(train, test)`` PairedImages of the digits in both domains; one-line errors."""
    from minigan.data import load_digits_on_photos

    try:
        return load_digits_on_photos()
    except ImportError as err:  # scikit-learn or Pillow missing: the message says what to install
        fail(str(err))


def prepare(args):
    """The run ``args`` asks for, each problem a one-line error before anything trains: a
    namespace of ``pairs`` and ``test`` (PairedImages), ``a`` and ``train`` (the A and B images G
    and D train on), ``out``, ``checkpoint``, ``saved``, ``config`` and ``scorer``; ``None`` after
    ``--train-classifier``."""
    from minigan.data import unpaired_halves
    from minigan.gan.losses import LOSSES

    if args.train_classifier:
        pairs, test = load_pairs()
        classifier(pairs.b, test.b, retrain=True, min_accuracy=MIN_ACCURACY)
        return None
    out = args.out or os.path.join("runs", "digits_translate", args.model or "pix2pix")
    checkpoint, saved = checkpoint_in(out, args)
    saved_config = saved.get("config") if saved is not None else None
    saved_model = saved_config.get("model") if isinstance(saved_config, dict) else None
    if args.model is not None and saved_model in MODELS and args.model != saved_model:  # before its recipe is read
        fail(f"--model {args.model} differs from the checkpoint's {saved_model}; resume with the same settings "
             "(only --steps may change)")
    model = args.model or (saved_model if saved_model in MODELS else "pix2pix")  # a resumed run: its own model
    defaults = DEFAULTS[model]
    for key, value in vars(args).items():  # a flag of the other model's recipe would be silently ignored
        if value is not None and key in SETTINGS and key not in defaults:
            fail(f"--{key.replace('_', '-')} is {'CycleGAN' if model == 'pix2pix' else 'pix2pix'}'s; "
                 f"{MODELS[model]} has no use for it")
    if args.loss is not None and (args.loss not in LOSSES or LOSSES[args.loss].has_penalty):
        allowed = ", ".join(sorted(name for name, loss in LOSSES.items() if not loss.has_penalty))
        fail(f"--loss {args.loss!r} is not one of {allowed} (image translation uses no gradient penalty)")
    pairs, test = load_pairs()
    config = run_config(args, defaults, SETTINGS, saved, checkpoint)
    if saved is not None and saved.get("data_key") != pairs.b.key:
        fail(f"--resume: the digits on photos made here (fingerprint {pairs.b.key}) are not the data of {checkpoint} "
             f"({saved.get('data_key')}): another scikit-learn or Pillow decodes the photos differently; start a new "
             "run with --overwrite")
    a, train = (pairs.a, pairs.b) if model == "pix2pix" else unpaired_halves(pairs)
    if config["batch_size"] > len(train):
        fail(f"--batch-size {config['batch_size']} is more than the {len(train)} training images")
    if model == "cyclegan" and 0 < config["history_size"] < config["batch_size"]:
        fail(f"--history-size {config['history_size']} must be 0 or at least the batch size {config['batch_size']}")
    scorer = classifier(pairs.b, test.b, retrain=False, min_accuracy=MIN_ACCURACY)
    return types.SimpleNamespace(pairs=pairs, test_pairs=test, a=a, train=train, test=test.b, out=out,
                                 checkpoint=checkpoint, saved=saved, config=config, scorer=scorer, frames=[],
                                 history=None)


def make_trainer(job):
    """``(trainer, batches)``: the model's networks, Adam for each player and its trainer, and the
    sampler of its batches (pairs for pix2pix, an A and a B batch for CycleGAN)."""
    import minigan
    from minigan import optim
    from minigan.data import BatchSampler, UnpairedSampler
    from minigan.models import (
        DiscriminatorPair, GeneratorPair, PatchDiscriminator, ResNetGenerator, UNetGenerator,
    )
    from minigan.train import CycleGANTrainer, Pix2PixTrainer

    config, w = job.config, job.config["width"]
    channels_a, channels_b = int(job.a.images.shape[1]), int(job.train.images.shape[1])
    minigan.manual_seed(config["seed"])
    if config["model"] == "pix2pix":
        G, D = UNetGenerator(channels_a, channels_b, w), PatchDiscriminator(channels_a + channels_b, w)
        batches = BatchSampler(len(job.train))
    else:
        G = GeneratorPair(ResNetGenerator(channels_a, channels_b, w, config["n_blocks"]),
                          ResNetGenerator(channels_b, channels_a, w, config["n_blocks"]))
        D = DiscriminatorPair(PatchDiscriminator(channels_a, w), PatchDiscriminator(channels_b, w))
        batches = UnpairedSampler(len(job.a), len(job.train))

    def sample(n):
        """A batch of n images of A and n of B: pairs for pix2pix, unrelated digits for CycleGAN."""
        index = batches.next(n)
        index_a, index_b = (index, index) if config["model"] == "pix2pix" else index
        return minigan.Tensor(job.a.images[index_a]), minigan.Tensor(job.train.images[index_b])

    betas = tuple(config["betas"])
    g_optimizer = optim.Adam(G.parameters(), lr=config["lr"], betas=betas)
    d_optimizer = optim.Adam(D.parameters(), lr=config["lr"], betas=betas)
    common = dict(batch_size=config["batch_size"], loss=config["loss"], n_critic=config["n_critic"])
    if config["model"] == "pix2pix":
        trainer = Pix2PixTrainer(G, D, g_optimizer, d_optimizer, sample, lambda_l1=config["lambda_l1"], **common)
    else:
        trainer = CycleGANTrainer(G, D, g_optimizer, d_optimizer, sample, lambda_cycle=config["lambda_cycle"],
                                  lambda_identity=config["lambda_identity"], history_size=config["history_size"],
                                  **common)
    return trainer, batches


def schedules(trainer, config):
    """Both optimizers' learning rates: ``lr`` for the first half of the run's steps, then linearly to
    0 at its last step (both papers'), from the trainer's step on. As in the mixture demo
    (docs/checkpoints.md), a run resumed with the same ``--steps`` continues the same schedule
    exactly; one resumed with more steps decays towards the new end from where it is."""
    from minigan.optim import LambdaLR

    steps, half = config["steps"], config["steps"] / 2
    return [LambdaLR(optimizer, lambda t: min(1.0, (steps - t) / half), config["lr"], trainer.steps)
            for optimizer in (trainer.g_optimizer, trainer.d_optimizer)]


def translate(G, images, batch_size=500):
    """G's translations of ``images`` (N, C, H, W), in slices of ``batch_size``, without a graph."""
    from minigan import Tensor, no_grad
    from minigan.backend import get_array_module

    with no_grad():
        return get_array_module(images).concatenate(
            [G(Tensor(images[i:i + batch_size])).data for i in range(0, images.shape[0], batch_size)])


def generators(trainer):
    """``(G, F)``: the translator A -> B and, for CycleGAN, the one back (``None`` for pix2pix)."""
    G = trainer.generator
    return (G.G, G.F) if hasattr(G, "F") else (G, None)


def figure_rows(job, trainer, index):
    """The figure's rows for the held-out digits at ``index``: a, G(a), b and, for CycleGAN,
    F(G(a)), stacked as (rows * len(index), C, H, W)."""
    from minigan.backend import get_array_module

    G, F = generators(trainer)
    a, b = job.test_pairs.a.images[index], job.test_pairs.b.images[index]
    fake = translate(G, a)
    rows = [a, fake, b] + ([translate(F, fake)] if F is not None else [])
    return get_array_module(a).concatenate(rows)


def class_preserved(scorer, images, labels):
    """The fraction of ``images`` (N, C, H, W) that the B classifier ``scorer`` puts in their digit's
    class, ``labels`` (N,)."""
    from minigan import to_numpy
    from minigan.metrics import features_and_predictions

    return float((features_and_predictions(scorer, images)[1] == to_numpy(labels)).mean())


def l1(x, y):
    """The mean absolute difference of two image arrays, as a float (on the [-1, 1] scale)."""
    from minigan.backend import get_array_module

    return float(get_array_module(x).abs(x - y).mean())


def domain_adaptation(job, G):
    """CycleGAN's use in domain adaptation: the held-out accuracy on real B images of one classifier
    trained on G(a) of the A training images (A's labels), on the A images themselves ("source
    only") and on the B training images with their labels ("target oracle"), and the fraction of
    the gap between source only and the oracle that the translation closes."""
    from minigan.data import ImageData
    from minigan.metrics import train_classifier

    translated = ImageData(translate(G, job.a.images), job.a.labels, "translated", job.a.n_classes)
    scores = {}
    for name, data in (("adapted", translated), ("source_only", job.a), ("target_oracle", job.train)):
        print(f"training a classifier on {len(data)} {name.replace('_', ' ')} images", flush=True)
        scores[name] = train_classifier(data, job.test, steps=job.config["classifier_steps"])[1]
    gap = scores["target_oracle"] - scores["source_only"]
    scores["gap_closed"] = (scores["adapted"] - scores["source_only"]) / gap if gap > 0 else None
    return scores


def main(argv=None):
    """Run the demo; returns the exit code."""
    args = parse(build_parser(), argv)
    minigan = import_minigan()
    import numpy

    job = prepare(args)
    if job is None:  # --train-classifier: trained and cached
        return 0
    config = job.config
    trainer, batches = make_trainer(job)
    test = job.test_pairs
    labels = minigan.to_numpy(test.a.labels)
    shown = minigan.backend.xp().asarray([int(numpy.flatnonzero(labels == k)[0]) for k in range(test.a.n_classes)])
    rows = ROWS[config["model"]]  # of translations.png, one held-out digit of each class per column
    restore(job, trainer, batches, [(len(rows) * int(shown.shape[0]), *test.a.images.shape[1:])])

    def sample():
        """G(a) of every held-out digit, and the figure's rows."""
        return translate(generators(trainer)[0], test.a.images), figure_rows(job, trainer, shown)

    def score(images):
        """The class preserved in ``images`` = G(a) of the held-out digits, and their L1 to the true b."""
        return {"class_preserved": class_preserved(job.scorer, images, test.a.labels),
                "test_l1": l1(images, test.b.images)}

    on_log = evaluation(args, job, lambda: figure_rows(job, trainer, shown), sample, score)
    seconds = train(job, trainer, batches, on_log, f"{MODELS[config['model']]} ({config['loss']} loss) from "
                    f"{len(job.a)} plain digits", schedules(trainer, config))

    G, F = generators(trainer)
    samples = translate(G, test.a.images)
    scores = {"class_preserved": class_preserved(job.scorer, samples, test.a.labels),
              "class_preserved_real_b": class_preserved(job.scorer, test.b.images, test.b.labels),
              "l1": l1(samples, test.b.images), "l1_train": l1(translate(G, job.pairs.a.images), job.pairs.b.images)}
    if F is not None:
        scores["cycle_l1"] = l1(translate(F, samples), test.a.images)
        scores["domain_adaptation"] = domain_adaptation(job, G)
    table = write_results(job, trainer, samples, seconds, model=config["model"], **scores)
    if not args.no_plots:
        from minigan.plot import save_image_grid

        save_image_grid(os.path.join(job.out, "translations.png"), minigan.to_numpy(figure_rows(job, trainer, shown)),
                        f"{MODELS[config['model']]}, step {trainer.steps}, rows: {', '.join(rows)}; "
                        f"{100 * scores['class_preserved']:.1f}% class preserved", columns=COLUMNS)
        save_history_figures(job)
    print_scores(job, table)
    print(f"\nclass preserved in G(a): {100 * scores['class_preserved']:.1f}% of {len(test)} held-out digits "
          f"(real b: {100 * scores['class_preserved_real_b']:.1f}%) | L1(G(a), b) {scores['l1']:.3f} "
          f"(training pairs {scores['l1_train']:.3f})" + (f" | cycle L1 {scores['cycle_l1']:.3f}" if F else ""))
    if F is not None:
        da = scores["domain_adaptation"]
        closed = "n/a" if da["gap_closed"] is None else f"{100 * da['gap_closed']:.1f}%"
        print(f"domain adaptation, accuracy on real B test images: source only {100 * da['source_only']:.1f}% | "
              f"trained on G(a) {100 * da['adapted']:.1f}% | target oracle {100 * da['target_oracle']:.1f}% | "
              f"gap closed {closed}")
    print(f"{seconds:.0f} s | written to {job.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
