"""Training curves from a run's history (one dict of floats per logged step)."""

from matplotlib.figure import Figure


def _series(history, key):
    points = [(r["step"], r[key]) for r in history if r.get(key) is not None]
    return [p[0] for p in points], [p[1] for p in points]


def save_training_curves(path, history):
    """Save the losses, D's scores on real and generated batches, and, when the history has
    them, the modes covered and the high-quality fraction, or the test accuracy (the
    semi-supervised demo's), the FID, BEGAN's M_global and k_t, against the step; a panel
    shows the curves the history has."""
    panels = [("losses", ("d_loss", "g_loss", "labelled_loss")), ("D(x) and D(G(z))", ("d_real", "d_fake")),
              ("FID", ("fid",)), ("M_global", ("m_global", "m_global_eval")), ("k_t", ("k",))]
    if any("test_accuracy" in r for r in history):
        panels.append(("test accuracy", ("test_accuracy",)))
    if any("modes" in r for r in history):
        panels.append(("modes covered", ("modes",)))
        panels.append(("high-quality fraction", ("high_quality",)))
    panels = [(title, keys) for title, keys in panels if any(key in r for r in history for key in keys)]
    columns = 2
    rows = (len(panels) + 1) // columns
    fig = Figure(figsize=(4.8 * columns, 3.4 * rows))
    for i, (title, keys) in enumerate(panels):
        ax = fig.add_subplot(rows, columns, i + 1)
        for key in keys:
            if any(key in r for r in history):
                ax.plot(*_series(history, key), label=key)
        ax.set_title(title)
        ax.set_xlabel("step")
        if ax.lines:  # the classifier alone has no D(G(z))
            ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
