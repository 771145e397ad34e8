"""The training loop every demo uses: steps, progress, history, checkpoints, a stop on NaN."""

import math

from minigan.train.checkpoint import save_checkpoint
from minigan.train.progress import Progress

LOGGED = ("d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm")
HIDDEN = ("step", "d_grad_norm", "g_grad_norm")  # recorded in the history, not shown on the line


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite; training stopped before saving that state."""


def fit(trainer, steps, log_every=100, on_log=None, checkpoint=None, checkpoint_every=1000,
        extra_state=None, history=None, schedulers=(), progress=True):
    """Train until ``trainer.steps == steps``, logging, checkpointing and checking the losses.

    Args:
        trainer: a ``GANTrainer`` (possibly resumed: it starts from ``trainer.steps``).
        steps: the step to stop at.
        log_every: every this many steps (and at the last) the statistics are read as
            floats (on CuPy the only host-device syncs of the loop), appended to
            ``history``, passed to ``on_log`` and shown.
        on_log: ``f(step, record) -> dict or None``; what it returns (e.g. modes covered)
            is added to the record and to the progress line.
        checkpoint: a path for ``.npz`` checkpoints, written atomically every
            ``checkpoint_every`` steps and at the end; ``None`` for none.
        extra_state: a dict saved alongside (the run's configuration, say).
        history: the records of an earlier part of the run, to continue.
        schedulers: learning-rate schedulers (``minigan.optim.LambdaLR``), stepped after
            every training step.
        progress: print a progress line at each log.

    Returns the history: one dict of floats per log.

    Raises ``NonFiniteLossError`` naming the step and the loss if a loss is not finite;
    the last checkpoint written (from a finite step) is kept.
    """
    for name, value in (("steps", steps), ("log_every", log_every), ("checkpoint_every", checkpoint_every)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"fit: {name} must be an integer >= 1, got {value!r}")
    history = [] if history is None else history
    display = Progress(steps, start=trainer.steps) if progress else None
    last_saved = None
    while trainer.steps < steps:
        stats = trainer.step()
        for scheduler in schedulers:
            scheduler.step()
        step = trainer.steps
        for name in ("d_loss", "g_loss"):
            value = float(stats[name])  # checked every step, so no NaN state is ever saved
            if not math.isfinite(value):
                kept = (f"; the last good checkpoint (step {last_saved}) is kept at {checkpoint}"
                        if last_saved is not None else "")
                raise NonFiniteLossError(f"step {step}: {name} is {value}, training stopped{kept}")
        if step % log_every == 0 or step == steps:
            record = {"step": step, **{k: float(stats[k]) for k in LOGGED}}
            if on_log is not None:
                record.update(on_log(step, record) or {})
            history.append(record)
            if display is not None:
                display.show(step, {k: v for k, v in record.items() if k not in HIDDEN})
        if checkpoint is not None and (step % checkpoint_every == 0 or step == steps):
            save_checkpoint(checkpoint, {**trainer.state_dict(), **(extra_state or {}), "history": history})
            last_saved = step
    return history
