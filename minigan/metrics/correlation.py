"""Rank correlation: does one number fall when another falls, whatever the scale of either?

Spearman's rank correlation rho of two series is the Pearson correlation of their ranks. It
is 1 when one series always rises with the other (a monotone relation, not only a straight
line), -1 when one always falls as the other rises, and near 0 when their orders are
unrelated. BEGAN's paper claims that its convergence measure M_global tracks image quality;
over a run's logged checkpoints, a rho near 1 between M_global and the FID says that
M_global orders the checkpoints as the FID does (docs/began.md).

NumPy only: SciPy's ``scipy.stats.spearmanr`` gives the same numbers, and minigan does not
need SciPy.
"""

import numpy


def rankdata(x):
    """The ranks 1 .. n of the values x (n,), ties given the mean of the ranks they span
    (SciPy's ``method="average"``): ranks of [10, 20, 20, 30] are [1, 2.5, 2.5, 4]."""
    x = numpy.asarray(x, dtype="float64")
    if x.ndim != 1:
        raise ValueError(f"rankdata: x must be 1-d, got shape {x.shape}")
    order = numpy.argsort(x, kind="stable")
    sorted_x = x[order]
    # a run of equal values starts where the sorted value changes; each run gets the mean of
    # the 1-based positions it covers: (first + last) / 2
    starts = numpy.flatnonzero(numpy.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = numpy.r_[starts[1:], x.size]  # one past each run's last position
    mean_rank = (starts + 1 + ends) / 2.0  # positions starts+1 .. ends, 1-based
    ranks = numpy.empty(x.size)
    ranks[order] = numpy.repeat(mean_rank, ends - starts)
    return ranks


def spearman(x, y):
    """Spearman's rank correlation rho of the paired series x (n,) and y (n,), n >= 2: the
    Pearson correlation of ``rankdata(x)`` and ``rankdata(y)``, in [-1, 1]. NaN when either
    series is constant (its ranks do not vary, so no order can be compared)."""
    rx, ry = rankdata(x), rankdata(y)
    if rx.shape != ry.shape or rx.size < 2:
        raise ValueError(f"spearman: x and y must be two series of the same length >= 2, got {rx.size} and {ry.size}")
    dx, dy = rx - rx.mean(), ry - ry.mean()
    norm = numpy.sqrt((dx * dx).sum() * (dy * dy).sum())
    return float((dx * dy).sum() / norm) if norm > 0 else float("nan")
