"""Command-line plumbing shared by the demos: flags, one-line errors, the run's configuration.

It imports minigan only inside ``import_minigan`` and the functions called after it, so that
flags are checked, and an unusable ``MINIGAN_BACKEND`` is reported, in one line, before any
array library loads.
"""

import argparse
import json
import os
import sys


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on standard error and exit code 2."""

    def error(self, message):
        fail(message)


def fail(message, code=2):
    """Print ``<program>: error: <message>`` on one line and exit with ``code``."""
    first = str(message).strip().splitlines()[0] if str(message).strip() else "unknown error"
    print(f"{os.path.basename(sys.argv[0])}: error: {first}", file=sys.stderr)
    sys.exit(code)


def int_at_least(minimum):
    """An argparse type: an integer >= ``minimum``, with a one-line error otherwise."""
    def check(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be an integer >= {minimum}")
        return value
    return check


def positive_float(text):
    """An argparse type: a number > 0 (a learning rate), with a one-line error otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive finite number")
    return value


def add_run_flags(description, out_default):
    """A parser with the flags every demo shares: steps, batch size, lr, n_critic, seed, out,
    plots, resume.

    Unset flags stay ``None``: "the demo's default, or the checkpoint's on --resume".
    """
    parser = OneLineParser(description=description)
    parser.add_argument("--steps", type=int_at_least(1), help="generator updates to train for")
    parser.add_argument("--batch-size", type=int_at_least(1), help="samples per batch")
    parser.add_argument("--lr", type=positive_float, help="Adam's learning rate for both networks")
    parser.add_argument("--n-critic", type=int_at_least(1), help="discriminator updates per generator update")
    parser.add_argument("--seed", type=int_at_least(0), help="random seed (same seed, same run)")
    parser.add_argument("--out", help=f"output folder (default {out_default})")
    parser.add_argument("--no-plots", action="store_true", help="skip the figures and the GIF")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    return parser


def parse(parser, argv=None):
    """Parse ``argv`` (default: the command line)."""
    return parser.parse_args(argv)


def import_minigan(loss=None):
    """Import minigan and check ``--loss``; an unusable ``MINIGAN_BACKEND`` or an unknown loss
    name is a one-line error. Returns the ``minigan`` module."""
    try:
        import minigan
    except RuntimeError as err:  # the backend check raises at import
        fail(str(err))
    from minigan.gan.losses import LOSSES

    if loss is not None and loss not in LOSSES:
        fail(f"--loss {loss!r} is not one of {', '.join(sorted(LOSSES))}")
    return minigan


def checkpoint_in(out, resume):
    """``(path, state)``: the checkpoint file in ``out`` and, with ``--resume``, what it holds
    (``None`` otherwise); an unreadable or missing checkpoint is a one-line error."""
    from minigan.train import load_checkpoint

    try:
        os.makedirs(out, exist_ok=True)
    except OSError as err:  # a file in the way, no permission
        fail(f"--out {out}: {err.strerror or err}")
    path = os.path.join(out, "checkpoint.npz")
    try:
        return path, (load_checkpoint(path) if resume else None)
    except (FileNotFoundError, ValueError) as err:
        fail(f"--resume: {err}")


def restore(trainer, saved):
    """Load a checkpoint's state into ``trainer``; one that does not fit is a one-line error."""
    try:
        trainer.load_state_dict(saved)
    except ValueError as err:
        fail(f"--resume: {err}")


def run_config(args, defaults, saved=None):
    """``resolve_config`` with the chosen loss's paper settings (``n_critic``, Adam's) over the defaults."""
    from minigan.gan.losses import LOSSES

    loss = args.loss or defaults["loss"]
    return resolve_config(args, {**defaults, "loss": loss, **LOSSES[loss].paper_settings}, saved)


def resolve_config(args, defaults, saved=None):
    """The run's configuration: the defaults, then the flags given; on resume, the checkpoint's.

    A resumed run keeps its saved settings; ``--steps`` may extend it, any other flag that
    contradicts the checkpoint is an error.
    """
    given = {k: v for k, v in vars(args).items() if k in defaults and v is not None}
    if saved is None:
        return {**defaults, **given}
    config = saved.get("config")
    if not isinstance(config, dict) or not set(defaults) <= set(config):
        fail("--resume: the checkpoint in --out was not written by this demo")
    config = dict(config)
    for key, value in given.items():
        if key != "steps" and config.get(key) != value:
            fail(f"--{key.replace('_', '-')} {value} differs from the checkpoint's {config.get(key)}; "
                 "resume with the same settings (only --steps may change)")
    config["steps"] = given.get("steps", config["steps"])
    return config


def write_json(path, obj):
    """Write ``obj`` as indented JSON."""
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
