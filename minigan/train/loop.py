"""The training loop every demo uses: steps, progress, history, checkpoints, a stop on NaN.

On a GPU, reading a number back to the host waits for every kernel queued before it. The
loop therefore reads the step's statistics only when it logs or checkpoints, all of them in
one copy; in between, whether every loss stayed finite is kept on the device.
"""

from minigan import backend
from minigan.train.checkpoint import save_checkpoint
from minigan.train.progress import Progress

HIDDEN = ("step", "d_grad_norm", "g_grad_norm")  # recorded in the history, not shown on the line


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite; training stopped before saving that state."""


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped by a ``KeyboardInterrupt`` (Ctrl-C, or a signal a program turns into one).

    Attributes:
        step: the last step finished (a step cut halfway is lost, and nothing of it is saved).
        saved: the step of the last checkpoint this call of ``fit`` wrote completely, or ``None``.
    """

    def __init__(self, step, saved):
        super().__init__(f"stopped at step {step}; last checkpoint written: step {saved}")
        self.step, self.saved = step, saved


def _all_finite(stats, so_far):
    """Whether the losses of this step (D's, and G's where there is a G), and every earlier one in
    ``so_far``, are finite: a 0-d array on the device (``None`` for "no step yet"), so that
    checking waits for nothing."""
    finite = backend.get_array_module(stats["d_loss"]).isfinite(stats["d_loss"])
    if "g_loss" in stats:  # a classifier trained alone (the semi-supervised demo's --no-gan) has none
        finite = finite & backend.get_array_module(stats["g_loss"]).isfinite(stats["g_loss"])
    return finite if so_far is None else so_far & finite


def _read(stats, finite):
    """The step's statistics (every one but the step number: both losses, D's scores, the
    gradient norms, and whatever else the trainer adds, such as ACGAN's class losses) as Python
    floats and the finiteness flag as a bool, in one copy from the device (the loop's only
    synchronisation)."""
    xp = backend.get_array_module(stats["d_loss"])
    logged = [k for k in stats if k != "step"]
    values = [xp.asarray(stats[k], dtype="float64") for k in logged] + [finite.astype("float64")]
    *numbers, all_finite = backend.to_numpy(xp.stack(values)).tolist()
    return dict(zip(logged, numbers)), bool(all_finite)


def fit(trainer, steps, log_every=100, on_log=None, checkpoint=None, checkpoint_every=1000,
        extra_state=None, history=None, schedulers=(), progress=True):
    """Train until ``trainer.steps == steps``, logging, checkpointing and checking the losses.

    Args:
        trainer: a ``GANTrainer`` (possibly resumed: it starts from ``trainer.steps``).
        steps: the step to stop at.
        log_every: every this many steps (and at the last) the statistics are read as
            floats (on CuPy the loop's one host-device synchronisation), appended to
            ``history``, passed to ``on_log`` and shown.
        on_log: ``f(step, record) -> dict or None``; what it returns (e.g. modes covered)
            is added to the record and to the progress line.
        checkpoint: a path for ``.npz`` checkpoints, written atomically every
            ``checkpoint_every`` steps and at the end; ``None`` for none.
        extra_state: a dict saved alongside (the run's configuration, say).
        history: the records of an earlier part of the run, to continue.
        schedulers: learning-rate schedulers (``minigan.optim.LambdaLR``), stepped after
            every training step.
        progress: show the progress (``Progress``): on a terminal one line updated in
            place, elsewhere a line at each log.

    Returns the history: one dict of floats per log.

    Raises ``NonFiniteLossError`` if a loss is not finite. The losses are checked when the
    loop logs or checkpoints, so a NaN is caught up to ``log_every - 1`` steps after it
    appears, the error names the steps between which it did, and no state from after it is
    ever saved: the last checkpoint written (from a finite step) is kept.

    A ``KeyboardInterrupt`` (Ctrl-C) becomes ``TrainingInterrupted``, which says the step
    reached and the last checkpoint written; one that arrives while a checkpoint is written
    leaves the previous checkpoint whole (``save_checkpoint`` writes atomically).
    """
    for name, value in (("steps", steps), ("log_every", log_every), ("checkpoint_every", checkpoint_every)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"fit: {name} must be an integer >= 1, got {value!r}")
    history = [] if history is None else history
    display = Progress(steps, start=trainer.steps) if progress else None
    last_saved, last_checked, finite = None, trainer.steps, None
    try:
        while trainer.steps < steps:
            stats = trainer.step()
            for scheduler in schedulers:
                scheduler.step()
            step = trainer.steps
            if display is not None:
                display.tick(step)
            finite = _all_finite(stats, finite)
            log = step % log_every == 0 or step == steps
            save = checkpoint is not None and (step % checkpoint_every == 0 or step == steps)
            if not (log or save):
                continue
            numbers, all_finite = _read(stats, finite)
            if not all_finite:
                kept = (f"; the last good checkpoint (step {last_saved}) is kept at {checkpoint}"
                        if last_saved is not None else "")
                losses = ", ".join(f"{k} {numbers[k]}" for k in ("d_loss", "g_loss") if k in numbers)
                raise NonFiniteLossError(f"a loss became NaN or infinite between steps {last_checked + 1} and "
                                         f"{step} ({losses} at step {step}), training stopped{kept}")
            last_checked, finite = step, None
            if log:
                record = {"step": step, **numbers}
                if on_log is not None:
                    record.update(on_log(step, record) or {})
                history.append(record)
                if display is not None:
                    display.show(step, {k: v for k, v in record.items() if k not in HIDDEN})
            if save:
                save_checkpoint(checkpoint, {**trainer.state_dict(), **(extra_state or {}), "history": history})
                last_saved = step
    except KeyboardInterrupt as err:
        raise TrainingInterrupted(trainer.steps, last_saved) from err
    finally:
        if display is not None:
            display.close()  # on a terminal, the next output starts on a line of its own
    return history
