"""The best one-to-one assignment (the Hungarian algorithm), and the unsupervised accuracy it gives.

An unsupervised model names clusters, not classes: InfoGAN's categorical code 3 may hold the
7s. Its accuracy is that of the best one-to-one map from codes to classes (the paper's measure):
the map that puts the most images in their true class, found by the Hungarian algorithm on
the (codes x classes) table of counts, negated into a cost.

``linear_sum_assignment`` is the O(n^2 m) shortest-augmenting-path form of the algorithm
(Kuhn 1955, Munkres 1957; as in Jonker and Volgenant 1987): it adds one row at a time and keeps
potentials u (rows) and v (columns) with u_i + v_j <= cost[i, j] everywhere, equal on the
chosen pairs, so that the chosen pairs cost the least. SciPy has the same function; minigan
writes its own so that nothing outside NumPy is needed to import it.
"""

import numpy


def linear_sum_assignment(cost):
    """The rows and columns of a least-cost one-to-one assignment of the rows of ``cost`` (n, m), n <= m.

    Returns ``(rows, columns)``, two int64 arrays (n,): row ``rows[k]`` goes to column
    ``columns[k]``, rows in order, and ``cost[rows, columns].sum()`` is the least possible.
    A cost matrix with more rows than columns is solved transposed.
    """
    cost = numpy.asarray(cost, dtype="float64")
    if cost.ndim != 2 or not numpy.isfinite(cost).all():
        raise ValueError(f"linear_sum_assignment: cost must be a finite 2-d array, got shape {cost.shape}")
    if cost.shape[0] > cost.shape[1]:
        columns, rows = linear_sum_assignment(cost.T)
        order = numpy.argsort(rows)
        return rows[order], columns[order]
    n, m = cost.shape
    u, v = numpy.zeros(n + 1), numpy.zeros(m + 1)  # potentials; index 0 is a virtual row/column
    row_of = numpy.zeros(m + 1, dtype="int64")  # row_of[j]: the row (1-based) assigned to column j, 0 for none
    for i in range(1, n + 1):
        # grow a tree of alternating paths from row i until it reaches a free column
        row_of[0], j0 = i, 0
        shortest = numpy.full(m + 1, numpy.inf)  # shortest[j]: the least reduced cost seen to column j
        came_from = numpy.zeros(m + 1, dtype="int64")  # the column before j on its shortest path
        used = numpy.zeros(m + 1, dtype=bool)
        while row_of[j0] != 0:
            used[j0] = True
            i0 = row_of[j0]
            free = ~used[1:]
            reduced = cost[i0 - 1] - u[i0] - v[1:]  # reduced costs from row i0 to every column
            better = free & (reduced < shortest[1:])
            shortest[1:][better] = reduced[better]
            came_from[1:][better] = j0
            j1 = 1 + int(numpy.argmin(numpy.where(free, shortest[1:], numpy.inf)))
            delta = shortest[j1]
            # move the potentials by delta: the tree's rows up, its columns down, the reduced costs stay >= 0
            u[row_of[used]] += delta
            v[used] -= delta
            shortest[1:][free] -= delta
            j0 = j1
        while j0:  # flip the path: each column on it takes the row before it
            j1 = came_from[j0]
            row_of[j0] = row_of[j1]
            j0 = j1
    columns = numpy.flatnonzero(row_of[1:])  # the assigned columns
    rows = row_of[1:][columns] - 1
    order = numpy.argsort(rows)
    return rows[order].astype("int64"), columns[order].astype("int64")


def unsupervised_accuracy(predicted, labels, n_clusters, n_classes):
    """``(accuracy, mapping)``: the fraction of images whose cluster ``predicted`` (N,) maps to their
    class ``labels`` (N,) under the best one-to-one map from the ``n_clusters`` clusters to the
    ``n_classes`` classes; ``mapping[k]`` is cluster k's class (-1 for a cluster left unmapped
    when there are more clusters than classes)."""
    predicted, labels = numpy.asarray(predicted), numpy.asarray(labels)
    if predicted.shape != labels.shape or predicted.ndim != 1 or not predicted.size:
        raise ValueError(f"unsupervised_accuracy: predicted and labels must be two equal non-empty (N,) arrays, "
                         f"got {predicted.shape} and {labels.shape}")
    counts = numpy.zeros((n_clusters, n_classes))  # counts[k, y]: images of class y in cluster k
    numpy.add.at(counts, (predicted, labels), 1)
    clusters, classes = linear_sum_assignment(-counts)  # the most images on the diagonal
    mapping = numpy.full(n_clusters, -1, dtype="int64")
    mapping[clusters] = classes
    return float(counts[clusters, classes].sum() / predicted.size), mapping
