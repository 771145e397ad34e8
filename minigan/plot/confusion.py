"""A classifier's confusion matrix as a figure."""

import numpy
from matplotlib.figure import Figure


def save_confusion_matrix(path, confusion, title=""):
    """Save ``confusion`` (K, K) counts, row = true class, column = predicted class, as a grid of
    shaded cells, each with its count; the diagonal holds the images classified right."""
    confusion = numpy.asarray(confusion)
    if confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1] or confusion.shape[0] == 0:
        raise ValueError(f"save_confusion_matrix: expected a square (K, K) matrix, got shape {confusion.shape}")
    k = confusion.shape[0]
    fig = Figure(figsize=(1.2 + 0.45 * k, 1.0 + 0.45 * k))
    ax = fig.add_subplot()
    ax.imshow(confusion, cmap="Blues", vmin=0)
    for (row, column), count in numpy.ndenumerate(confusion):
        if count:
            dark = count > confusion.max() / 2
            ax.text(column, row, str(count), ha="center", va="center", fontsize="x-small",
                    color="white" if dark else "black")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title, fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
