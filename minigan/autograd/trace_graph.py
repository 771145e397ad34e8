"""What a picture of one trace section shows: its boxes, its arrows and where each goes.

``build_graph(t, section)`` reads only the rows of a ``Trace`` (shapes, names, norms: no
arrays, no matplotlib), so that tests check the picture's content here and
``minigan.plot.graph`` only draws it.

Boxes (``Node``):

* ``op``: a forward row recorded in the graph (``graph`` True), keyed by its row index;
* ``backward``: a backward row that ran with ``create_graph=True`` (a gradient penalty's
  ``grad(..., create_graph=True)``): its operations are part of the graph, so it is a box
  too, keyed by its row index;
* one box for each use of anything else, keyed like the arrow it starts: ``param`` (a named
  tensor: ``D.1.weight``), ``leaf`` (data, a constant) or ``value`` (made by a row that is
  not a box here: one without a graph, as G's output under ``no_grad()``, or one in another
  section).

Arrows (``Edge``), keyed ``(row, position)``: input ``position`` of ``row``. An op's arrows
are its forward row's inputs. A backward box's arrows are the inputs of the operations it
ran, known from the rows of a later backward that differentiated them (their ``of`` is the
box); an input made inside the same backward is no arrow. Each arrow keeps the norms of the
gradients that crossed it backwards: for an op, from the backward rows of its forward row;
for a backward box, from the row that differentiated the operation.

Layout: an op's column is its generation within the section: the longest path of arrows
from a box with none coming in (a backward box counted after the op it differentiates),
then moved right as far as the boxes it feeds allow, so that the flow reads left to right
and a side branch joins where it is used. Columns wrap into bands of at most
``BAND_COLUMNS``. Each band starts with a column for the inputs of its first ops, and every
other box with no arrow coming in sits one column left of the op it feeds, below that
column's ops. A section that needs more than ``MAX_BANDS`` bands, or more than
``MAX_LANES`` boxes in a column, raises ``GraphTooLarge``.
"""

import dataclasses
import math

from minigan.autograd.trace import shape_text

BAND_COLUMNS = 5  # op columns in one band: about 900 pixels across, read unscaled in the docs
MAX_BANDS = 5  # bands in one picture: more and it is too tall to follow
MAX_LANES = 8  # boxes in one column


class GraphTooLarge(ValueError):
    """A section whose graph would not be legible in one picture."""


@dataclasses.dataclass
class Node:
    """A box. ``kind`` is ``op``, ``backward``, ``param``, ``leaf`` or ``value`` (see the module).

    ``title`` and ``detail`` are its two lines, written as the trace's table writes them:
    an op's detail is ``#7 (4, 16)``, how the rows that use its output name it.
    ``highlight`` marks a parameter that received a gradient through this use.
    ``band``, ``column`` and ``lane`` place it (column 0 of a band holds inputs only).
    """

    key: object
    kind: str
    title: str
    detail: str
    highlight: bool = False
    band: int = 0
    column: int = 0
    lane: int = 0


@dataclasses.dataclass
class Edge:
    """An arrow from ``src`` to ``dst`` (node keys), keyed ``(row, position)``.

    ``norms`` holds the norm of each gradient that crossed it backwards (``None`` where a
    backward ran but produced none for this input); empty if no backward crossed it.
    """

    key: tuple
    src: object
    dst: object
    norms: list = dataclasses.field(default_factory=list)

    @property
    def carried_grad(self):
        """Whether a gradient crossed this arrow in the backward pass."""
        return any(n is not None for n in self.norms)


@dataclasses.dataclass
class TraceGraph:
    """One section's boxes (by key), arrows, and the size of its layout.

    ``starts`` pairs each backward box that no arrow enters (where a backward began, from
    a constant gradient) with the op it differentiates, ``(op, backward)``: the picture
    joins them with a dotted line, though no data flows along it.
    ``lanes[b]`` is the number of lanes of band ``b``; ``band_columns`` the op columns a
    band holds (plus its input column 0).
    """

    section: object
    nodes: dict
    edges: list
    starts: list
    lanes: list
    band_columns: int

    def ops(self):
        """The keys of the op and backward boxes: row indices."""
        return {k for k, n in self.nodes.items() if n.kind in ("op", "backward")}

    def highlighted(self):
        """The names of the parameters drawn highlighted: those that received a gradient."""
        return {n.title for n in self.nodes.values() if n.highlight}


def build_graph(t, section):
    """The boxes, arrows and layout of the rows of ``t`` (a ``Trace``) in ``section``.

    Raises ``GraphTooLarge`` when the layout needs more than ``MAX_BANDS`` bands or
    ``MAX_LANES`` boxes in a column.
    """
    rows = t.rows
    boxed = {r["index"] for r in rows if r["section"] == section and r["graph"]}
    nodes = {i: _box(rows[i - 1]) for i in sorted(boxed)}
    edges = []
    for row in rows:
        dst = row["index"] if row["pass"] == "forward" else row["of"]
        if dst not in boxed or (row["pass"] == "backward" and rows[dst - 1]["pass"] == "forward"):
            continue  # not an op of this picture, or the backward of one (its norms, below)
        for i, source in enumerate(row["sources"]):
            if source == dst:
                continue  # made inside the same backward
            key = (row["index"], i)
            src = source if source in boxed else key
            if src == key:
                nodes[key] = _input_box(rows, row, i, section)
            edges.append(Edge(key, src, dst))
    _add_norms(rows, edges)
    for e in edges:
        if nodes[e.src].kind == "param":  # a parameter's box is one use: its one arrow
            nodes[e.src].highlight = e.carried_grad
    # a backward box comes after the op it differentiates, though no arrow joins them
    links = [(rows[i - 1]["of"], i) for i in sorted(boxed)
             if rows[i - 1]["pass"] == "backward" and rows[i - 1]["of"] in boxed]
    lanes, band_columns = _layout(nodes, edges, links, section)
    entered = {e.dst for e in edges}
    starts = [(op, backward) for op, backward in links if backward not in entered]
    return TraceGraph(section, nodes, edges, starts, lanes, band_columns)


def _box(row):
    """The box of a forward row (``op``) or of a backward row run with create_graph (``backward``)."""
    index = row["index"]
    if row["pass"] == "forward":
        return Node(index, "op", row["op"], f"#{index} {shape_text(row['output'])}")
    made = ", ".join(shape_text(g) for g in row["grads"] if g is not None)
    return Node(index, "backward", row["op"] + ".backward", f"g#{index} {made}")


def _input_box(rows, row, i, section):
    """The box of input ``i`` of ``row`` when no box of this picture made it."""
    key, shape = (row["index"], i), shape_text(row["inputs"][i])
    name, source = row["names"][i], row["sources"][i]
    if name is not None:
        return Node(key, "param", name, shape)
    if source is None:
        return Node(key, "leaf", "leaf", shape)
    made = rows[source - 1]
    prefix = "g#" if made["pass"] == "backward" else "#"
    where = f"{made['op']}, no graph" if made["section"] == section else f"from {made['section']}"
    return Node(key, "value", f"{prefix}{source} {shape}", where)


def _add_norms(rows, edges):
    """Give each arrow the norms of the gradients that crossed it backwards."""
    by_key = {e.key: e for e in edges}
    for row in rows:
        if row["pass"] != "backward":
            continue
        of = row["of"]
        # the backward of a forward row crosses that row's arrows; of an op run inside a
        # backward box, the arrows that this row itself keys
        keyed_by = of if of is not None and rows[of - 1]["pass"] == "forward" else row["index"]
        for i, norm in enumerate(row["norms"]):
            edge = by_key.get((keyed_by, i))
            if edge is not None:
                edge.norms.append(norm)


def _layout(nodes, edges, links, section):
    """Place every box (band, column, lane); returns the lanes per band and the op columns per band.

    ``links`` holds ``(op, box)`` pairs for a box that must come after an op without an arrow.
    """
    into, after = {}, {}  # box -> its arrows in; box -> the boxes it must come after
    for e in edges:
        into.setdefault(e.dst, []).append(e)
        after.setdefault(e.dst, []).append(e.src)
    for op, backward in links:
        after.setdefault(backward, []).append(op)
    depth, before = {}, {}  # box -> its generation; box -> the boxes that must come after it
    for key in sorted(k for k, n in nodes.items() if n.kind in ("op", "backward")):
        depth[key] = 1 + max((depth[k] for k in after.get(key, []) if k in depth), default=-1)
        for k in after.get(key, []):
            before.setdefault(k, []).append(key)
    for key in sorted(depth, reverse=True):  # then each box as late as what it feeds allows:
        if key in before:  # an op fed by inputs alone sits by its consumer, not in column 0
            depth[key] = min(depth[k] for k in before[key]) - 1
    columns = max(depth.values(), default=-1) + 1
    bands = max(1, math.ceil(columns / BAND_COLUMNS))
    if bands > MAX_BANDS:
        raise GraphTooLarge(f"section {section!r} has {columns} columns of ops, more than the "
                            f"{MAX_BANDS * BAND_COLUMNS} a legible picture holds")
    width = math.ceil(columns / bands) if columns else 1
    cells = {}  # (band, column) -> the keys in it, top to bottom (None: a lane kept free)
    by_depth = [[k for k in depth if depth[k] == d] for d in range(columns)]
    for d, keys in enumerate(by_depth):
        band, column = divmod(d, width)
        # ordered by the mean lane of the ops feeding them, so that arrows cross little
        for key in sorted(keys, key=lambda k: (_mean_lane(after.get(k, []), depth, nodes), k)):
            _place(nodes[key], (band, column + 1), cells)
    for keys in by_depth:
        for key in sorted(keys, key=lambda k: nodes[k].lane):
            consumer = nodes[key]
            cell = (consumer.band, consumer.column - 1)
            if cell not in cells:  # a band's input column: its boxes go below the ops they feed
                cells[cell] = [None] * len(cells[(consumer.band, 1)]) if consumer.band else []
            for e in into.get(key, []):
                if e.src not in depth:
                    _place(nodes[e.src], cell, cells)
    if max(map(len, cells.values()), default=0) > MAX_LANES:
        raise GraphTooLarge(f"section {section!r} has a column of more than {MAX_LANES} boxes")
    lanes = [max((len(keys) for (b, _), keys in cells.items() if b == band), default=1)
             for band in range(bands)]
    return lanes, width


def _place(node, cell, cells):
    """Put ``node`` in the first free lane of ``cell``."""
    node.band, node.column = cell
    node.lane = len(cells.setdefault(cell, []))
    cells[cell].append(node.key)


def _mean_lane(keys, depth, nodes):
    """The mean lane of the boxes ``keys`` that are ops (placed already), 0 if none."""
    lanes = [nodes[k].lane for k in keys if k in depth]
    return sum(lanes) / len(lanes) if lanes else 0
