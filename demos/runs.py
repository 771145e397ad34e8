"""A demo's run on disk: its output folder, resuming it from its checkpoint, and stopping it.

Each step turns what could go wrong into one line (``cli.fail``) before it costs anything:

* ``prepare_out``: ``--out`` is written to once before any training; a folder that holds a
  checkpoint is refused unless the run continues it (``--resume``) or replaces it
  (``--overwrite``);
* ``checkpoint_in``, ``run_config``, ``restoring``: ``--resume`` reads the checkpoint, takes the
  run's settings from it (checked as the flags are), refuses a flag that contradicts them and a
  ``--steps`` below the checkpoint's step, and loads it into the networks;
* ``run`` and ``train_run``: Ctrl-C (SIGINT) and SIGTERM stop the demo with one line that says the
  step reached, where the last checkpoint is and the command that continues it; exit code
  130 and 143, as a shell reports a process those signals ended.

docs/checkpoints.md describes what a user sees.
"""

import argparse
import contextlib
import os
import shlex
import signal
import sys
import tempfile

from cli import check_loss, fail

CHECKPOINT = "checkpoint.npz"
STOPS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
# what a stop outside ``train_run`` says about the files; ``train_run`` moves it on when training is done
_outside_training = {"note": "before training began; no file in --out was changed"}


# ---------------------------------------------------------------- the output folder

def writable_folder(folder, what):
    """Create ``folder`` if needed and write a byte there (then remove it): a read-only or full
    disk, or a file in the way, is a one-line error naming ``what`` now, not after training."""
    try:
        os.makedirs(folder, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".minigan-probe-", dir=folder)
        try:
            os.write(fd, b"\0")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.remove(probe)
    except OSError as err:
        fail(f"{what} {folder}: cannot write there: {err.strerror or err}")


def prepare_out(out, resume, overwrite):
    """The checkpoint's path in the output folder ``out``, after checking that the folder can be
    written and that no earlier run's checkpoint would be lost."""
    if resume and overwrite:  # cli.parse refuses it first; here for a caller that did not parse flags
        fail("--resume and --overwrite exclude each other: continue the run in --out, or replace it")
    writable_folder(out, "--out")
    path = os.path.join(out, CHECKPOINT)
    if resume and not os.path.lexists(path):
        fail(f"--resume: no checkpoint at {path}")
    if os.path.lexists(path) and not (resume or overwrite):
        fail(f"--out {out} already holds a run's checkpoint; continue it with --resume, or start a new run "
             "that replaces it with --overwrite")
    return path


# ---------------------------------------------------------------- resuming

def checkpoint_in(out, args):
    """``(path, state)``: the checkpoint file in ``out`` (``prepare_out``) and, with ``--resume``,
    what it holds (``None`` otherwise); a damaged checkpoint is a one-line error."""
    from minigan.train import load_checkpoint

    path = prepare_out(out, args.resume, args.overwrite)
    try:
        return path, (load_checkpoint(path) if args.resume else None)
    except (FileNotFoundError, ValueError) as err:
        fail(f"--resume: {err}; start a new run with --overwrite")


def run_config(args, defaults, settings, saved=None, source=None, older=None):
    """The run's configuration: the defaults with the chosen loss's paper settings (``n_critic``,
    Adam's) over them, then the flags given; on resume, the checkpoint's (see ``resolve_config``)."""
    from minigan.gan.losses import LOSSES

    loss = args.loss or defaults["loss"]
    return resolve_config(args, {**defaults, "loss": loss, **LOSSES[loss].paper_settings}, settings, saved,
                          source, older)


def resolve_config(args, defaults, settings, saved=None, source=None, older=None):
    """The run's configuration: the defaults, then the flags given; on resume, the checkpoint's.

    A resumed run keeps its saved settings, each checked against ``settings`` (the bounds of
    the flags); ``--steps`` may extend the run, never cut it below the checkpoint's step; any
    other flag that contradicts the checkpoint (``source``) is an error. ``older`` holds the
    settings a demo added after its first checkpoints, each with the value those trained with.
    """
    given = {k: v for k, v in vars(args).items() if k in defaults and v is not None}
    if saved is None:
        return {**defaults, **given}
    config = saved.get("config")
    if isinstance(config, dict):
        config = {**(older or {}), **config}
    missing = sorted(set(defaults) - set(config)) if isinstance(config, dict) else ["configuration"]
    if missing:
        fail(f"--resume: {source} was not written by this demo: it has no {', '.join(missing)}")
    checked = {}
    for key in defaults:
        try:
            checked[key] = settings[key].check(config[key])
        except argparse.ArgumentTypeError as err:
            fail(f"--resume: {source}: its {key} {err}; start a new run with --overwrite")
    if "loss" in checked:  # the semi-supervised demo's losses are fixed: it has no --loss
        check_loss(checked["loss"], f"--resume: {source}: its loss")
    for key, value in given.items():
        if key != "steps" and checked[key] != value:
            fail(f"--{key.replace('_', '-')} {value} differs from the checkpoint's {checked[key]}; "
                 "resume with the same settings (only --steps may change)")
    reached = saved.get("steps")
    checked["steps"] = given.get("steps", checked["steps"])
    if isinstance(reached, int) and checked["steps"] < reached:
        flag = "--steps" if "steps" in given else f"--resume: {source}: its steps"
        fail(f"{flag} {checked['steps']} is below the checkpoint's step {reached}: a resumed run goes on from "
             f"there (--steps {reached} or more)")
    return checked


@contextlib.contextmanager
def restoring(path):
    """A block that loads the checkpoint ``path`` into the run (networks, optimizers, sampler,
    history, frames): a part that is missing or does not fit is a one-line error naming the file."""
    from minigan.backend import BackendError

    try:
        yield
    except (ValueError, TypeError, KeyError, BackendError) as err:
        problem = f"it has no entry {err}" if isinstance(err, KeyError) else str(err)
        fail(f"--resume: {path}: {problem}; start a new run with --overwrite")


def _is_number(value):
    """Whether ``value`` is a number of a history record (``None`` where a score was not taken)."""
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def saved_history(saved):
    """The checkpoint's history (one dict of numbers per log, at steps up to the checkpoint's);
    a ``ValueError`` (inside ``restoring``) when it is anything else."""
    history, reached = saved.get("history", []), saved.get("steps")
    if not isinstance(history, list) or not all(
            isinstance(r, dict) and all(map(_is_number, r.values())) and isinstance(r.get("step"), int)
            and 0 < r["step"] <= reached for r in history):
        raise ValueError("its history is not a list of records of numbers at the steps trained")
    return history


def saved_frames(saved, shapes):
    """The checkpoint's GIF frames, each ``[step, *arrays]`` with float arrays of ``shapes``, as
    host arrays for the plots; a ``ValueError`` otherwise."""
    from minigan.backend import to_numpy

    frames, reached = saved.get("frames", []), saved.get("steps")

    def fits(frame):
        if not (isinstance(frame, list) and len(frame) == 1 + len(shapes) and isinstance(frame[0], int)
                and 0 < frame[0] <= reached):
            return False
        return all(hasattr(a, "shape") and a.dtype.kind == "f" and tuple(a.shape) == shape
                   for a, shape in zip(frame[1:], shapes))

    if not isinstance(frames, list) or not all(map(fits, frames)):
        raise ValueError(f"its GIF frames are not a list of [step, {', '.join(map(str, shapes))}]")
    return [[frame[0], *map(to_numpy, frame[1:])] for frame in frames]


def save_training_gif(save, path, frames, *args, **kwargs):
    """``save(path, frames, *args, **kwargs)``, one of minigan.plot's GIF writers; or, when the run
    recorded no frames (every step of it trained with --no-plots, and it was resumed without
    the flag to draw its figures), one line that says why there is no GIF."""
    if frames:
        save(path, frames, *args, **kwargs)
    else:
        print(f"{os.path.basename(path)} not written: the run recorded no frames (it trained with --no-plots)")


# ---------------------------------------------------------------- stopping

class Stop(KeyboardInterrupt):
    """Raised by the demos' signal handler: SIGINT (Ctrl-C) or SIGTERM asked the demo to stop."""

    def __init__(self, signum):
        super().__init__(STOPS[signum])
        self.signum = signum


def _raise_stop(signum, frame):
    for other in STOPS:  # a second Ctrl-C must not break off the one-line ending of the first
        signal.signal(other, signal.SIG_IGN)
    raise Stop(signum)


def stop_of(err):
    """``(exit code, name)`` of the stop behind ``err``: 128 + the signal's number."""
    stop = err if isinstance(err, Stop) else err.__cause__
    signum = stop.signum if isinstance(stop, Stop) else signal.SIGINT  # a plain KeyboardInterrupt: Ctrl-C
    return 128 + signum, STOPS[signum]


def resume_command(out):
    """The command that continues this demo's run in ``out``."""
    return f"python {shlex.quote(sys.argv[0])} --resume --out {shlex.quote(out)}"


def run(main):
    """Run a demo's ``main()`` and return its exit code, with Ctrl-C and SIGTERM as one line.

    SIGTERM is turned into the same ``KeyboardInterrupt`` as Ctrl-C, so that it too ends
    training cleanly (``train_run`` says where) instead of killing the process mid-write.
    """
    for signum in STOPS:
        signal.signal(signum, _raise_stop)
    try:
        return main()
    except KeyboardInterrupt as err:
        code, name = stop_of(err)
        fail(f"stopped by {name} {_outside_training['note']}", code, prefix="")
    except MemoryError:
        fail("out of memory: a smaller --batch-size (or network) needs less", code=1)


def train_run(trainer, steps, out, checkpoint, resumed, **fit_kwargs):
    """``minigan.train.fit`` up to ``steps``, checkpointing to ``checkpoint`` in ``out``, with
    one-line endings: a NaN loss (exit 1), Ctrl-C or SIGTERM (130, 143: the step reached, the
    last checkpoint, the command that continues). Returns the history."""
    from minigan.train import NonFiniteLossError, TrainingInterrupted, fit

    start = trainer.steps
    try:
        history = fit(trainer, steps, checkpoint=checkpoint, **fit_kwargs)
    except NonFiniteLossError as err:
        fail(str(err), code=1)
    except TrainingInterrupted as err:
        code, name = stop_of(err)
        saved = err.saved if err.saved is not None else (start if resumed else None)
        if saved is None:
            again = "start it again with --overwrite" if os.path.lexists(checkpoint) else "run it again to start over"
            fail(f"stopped by {name} at step {err.step} of {steps}, before the run's first checkpoint; {again}", code,
                 prefix="")
        fail(f"stopped by {name} at step {err.step} of {steps}; the last checkpoint (step {saved}) is in "
             f"{checkpoint}; continue with: {resume_command(out)}", code, prefix="")
    _outside_training["note"] = (f"after training, while writing the results; the checkpoint of step {trainer.steps} "
                                 f"is complete: {resume_command(out)} writes them again")
    return history
