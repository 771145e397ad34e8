"""Command-line plumbing shared by the demos: flags and their checks, one-line errors.

It imports minigan only inside ``import_minigan`` and the functions called after it, so that
flags are checked, and an unusable ``MINIGAN_BACKEND`` is reported, in one line, before any
array library loads.

A setting (``Integer``, ``Number``, ``Choice``, ...) is checked the same way on a flag's text
(argparse's ``type=``) and on the value a checkpoint holds (``check``): a resumed run meets the
bounds of a new one, and a damaged configuration is refused before anything is built. The
sizes that allocate (batch size, width, noise size) have an upper bound.
"""

import argparse
import json
import math
import os
import sys


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on standard error and exit code 2, and
    that takes no abbreviations: ``--seed 5`` must never be read as ``--seeds 5``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def error(self, message):
        fail(message)


def fail(message, code=2, prefix="error: "):
    """Print ``<program>: error: <message>`` on one line and exit with ``code``; ``prefix=""`` for
    a stop the user asked for (Ctrl-C), which is no error."""
    first = str(message).strip().splitlines()[0] if str(message).strip() else "unknown error"
    print(f"{os.path.basename(sys.argv[0])}: {prefix}{first}", file=sys.stderr)
    sys.exit(code)


# ---------------------------------------------------------------- settings

class Scalar:
    """What ``Integer`` and ``Number`` share: a flag's text is parsed with ``parse``, a saved value
    must be one of ``types`` (never a bool), and either is then checked by the subclass's
    ``_in_range(value, shown)``."""

    parse, types, noun = int, (int,), "an integer"

    def __call__(self, text):
        """Parse a flag's text (argparse's ``type=``)."""
        try:
            value = self.parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {self.noun}") from None
        return self._in_range(value, repr(text))

    def check(self, value):
        """Check a saved value: of the right type (a float is no integer) and in range."""
        if isinstance(value, bool) or not isinstance(value, self.types):
            raise argparse.ArgumentTypeError(f"{value!r} is not {self.noun}")
        return self._in_range(self.parse(value), repr(value))


class Integer(Scalar):
    """An integer setting in [low, high] (``high`` None: no upper bound); ``why`` explains the
    upper bound, ``low_why`` the lower one where it is not plain counting."""

    def __init__(self, low, high=None, why="", low_why=""):
        self.low, self.high = low, high
        self.why, self.low_why = (f" ({text})" if text else "" for text in (why, low_why))

    def _in_range(self, value, shown):
        if value < self.low:
            raise argparse.ArgumentTypeError(f"{shown} must be an integer >= {self.low}{self.low_why}")
        if self.high is not None and value > self.high:
            raise argparse.ArgumentTypeError(f"{shown} must be an integer <= {self.high}{self.why}")
        return value


class Number(Scalar):
    """A finite number in (low, high), with ``low`` included if ``closed_low`` and ``high`` if
    ``closed_high``; the defaults make a positive finite number (a learning rate, a penalty weight)."""

    parse, types, noun = float, (int, float), "a number"

    def __init__(self, low=0.0, high=math.inf, closed_low=False, closed_high=False):
        self.low, self.high, self.closed_low, self.closed_high = low, high, closed_low, closed_high

    def _in_range(self, value, shown):
        above = self.low <= value if self.closed_low else self.low < value
        below = value <= self.high if self.closed_high else value < self.high
        if not (above and below and math.isfinite(value)):  # also refuses nan
            if self.low == 0 and self.high == math.inf and not self.closed_low:
                raise argparse.ArgumentTypeError(f"{shown} must be a positive finite number")
            interval = f"{'[' if self.closed_low else '('}{self.low}, {self.high}{']' if self.closed_high else ')'}"
            raise argparse.ArgumentTypeError(f"{shown} must be a number in {interval}")
        return value


class Choice:
    """One of ``values`` (a saved value; a flag uses argparse's ``choices=``)."""

    def __init__(self, *values):
        self.values = values

    def check(self, value):
        """Check a saved value."""
        if value not in self.values:
            raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(map(str, self.values))}")
        return value


class OrNone:
    """``None`` (the default: "the loss's own", "none") or what ``setting`` accepts."""

    def __init__(self, setting):
        self.setting = setting

    def __call__(self, text):
        """Parse a flag's text (argparse's ``type=``)."""
        return self.setting(text)

    def check(self, value):
        """Check a saved value."""
        return None if value is None else self.setting.check(value)


class Pair:
    """Two values that ``setting`` each accepts (Adam's betas); saved as a list."""

    def __init__(self, setting):
        self.setting = setting

    def check(self, value):
        """Check a saved value."""
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise argparse.ArgumentTypeError(f"{value!r} is not a pair")
        return [self.setting.check(v) for v in value]


class Text:
    """Text (a path); ``None`` with ``optional``."""

    def __init__(self, optional=False):
        self.optional = optional

    def __call__(self, text):
        """Parse a flag's text (argparse's ``type=``): not empty."""
        if not text:
            raise argparse.ArgumentTypeError("'' is empty; name a folder")
        return text

    def check(self, value):
        """Check a saved value."""
        if value is None and self.optional:
            return None
        if not isinstance(value, str) or not value:
            raise argparse.ArgumentTypeError(f"{value!r} is not a non-empty text")
        return value


# why a size has an upper bound (the flags that allocate: batch size, width, noise size)
SIZE = "a size bounded so that the networks' arrays fit in memory"
# the settings every training demo shares; a demo adds its own and bounds its sizes
RUN_SETTINGS = dict(
    loss=Text(),  # checked against the losses by import_minigan and run_config
    steps=Integer(1),
    lr=Number(),
    betas=Pair(Number(0.0, 1.0, closed_low=True)),
    n_critic=Integer(1, 100),
    seed=Integer(0),
    ema_decay=OrNone(Number(0.0, 1.0)),
)


def add_run_flags(description, out_default, settings):
    """A parser with the flags every demo shares: steps, batch size, lr, n_critic, seed, out,
    plots, resume, overwrite; ``settings`` (the demo's, from ``RUN_SETTINGS`` and its own)
    gives each flag its type and bounds.

    Unset flags stay ``None``: "the demo's default, or the checkpoint's on --resume".
    """
    parser = OneLineParser(description=description)
    parser.add_argument("--steps", type=settings["steps"], help="generator updates to train for")
    parser.add_argument("--batch-size", type=settings["batch_size"], help="samples per batch")
    parser.add_argument("--lr", type=settings["lr"], help="Adam's learning rate for both networks")
    parser.add_argument("--n-critic", type=settings["n_critic"], help="discriminator updates per generator update")
    parser.add_argument("--seed", type=settings["seed"], help="random seed (same seed, same run)")
    parser.add_argument("--out", type=Text(), help=f"output folder (default {out_default})")
    parser.add_argument("--no-plots", action="store_true", help="skip the figures and the GIF")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out: the data "
                        "and settings come from it (docs/checkpoints.md)")
    parser.add_argument("--overwrite", action="store_true", help="start a new run in an --out that holds a "
                        "checkpoint, replacing it at the new run's first checkpoint")
    return parser


def parse(parser, argv=None):
    """Parse ``argv`` (default: the command line); flags that contradict each other are a one-line
    error now, before any data is loaded."""
    args = parser.parse_args(argv)
    if getattr(args, "resume", False) and getattr(args, "overwrite", False):
        fail("--resume and --overwrite exclude each other: continue the run in --out, or replace it")
    return args


def import_minigan(loss=None):
    """Import minigan and check ``--loss``; an unusable ``MINIGAN_BACKEND`` or an unknown loss
    name is a one-line error. Returns the ``minigan`` module."""
    try:
        import minigan
    except RuntimeError as err:  # the backend check raises at import
        fail(str(err))
    if loss is not None:
        check_loss(loss, "--loss")
    return minigan


def check_loss(name, where):
    """A one-line error unless ``name`` is one of minigan's GAN losses; ``where`` says whose it is."""
    from minigan.gan.losses import LOSSES

    if name not in LOSSES:
        fail(f"{where} {name!r} is not one of {', '.join(sorted(LOSSES))}")


def write_json(path, obj):
    """Write ``obj`` as indented JSON."""
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
