"""A picture of one trace section's graph: boxes, arrows, and the gradient norms of its backward.

It draws a ``TraceGraph`` (``minigan.autograd.trace_graph``), which already holds every
box, arrow and place: this module only turns bands, columns and lanes into inches. The
backward pass is drawn on the same graph: an arrow that a gradient crossed is red, labelled
with that gradient's L2 norm, and a parameter that received one has a red frame.
"""

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

COLUMN, LANE = 1.8, 0.68  # inches between box centres, across and down
BOX_W, BOX_H = 1.3, 0.48
BAND_GAP = 0.42  # inches between bands, where the arrows from one band to the next run
MARGIN, HEADER = 0.15, 0.95  # the header holds the title and the legend
DPI = 85  # six columns make about 950 pixels: shown unscaled in the docs
RED, GREY = "#c0392b", "#99a3a4"
STYLES = {  # kind -> (fill, frame, line style), as the legend explains them
    "op": ("#d6eaf8", "#2e86c1", "-"),
    "backward": ("#e8daef", "#7d3c98", "-"),
    "param": ("#fdf2d0", "#b7950b", "-"),
    "leaf": ("#ffffff", "#7f8c8d", "-"),
    "value": ("#f2f3f4", "#7f8c8d", "--"),
}
STARTS = (STYLES["backward"][1], 1.3, ":")  # the dotted line from an op to the backward that starts there
LEGEND = [
    ("op", "op: #row (output shape)"),
    ("backward", "a backward run with create_graph=True (dotted: from its op)"),
    ("param", "parameter"),
    ("leaf", "leaf: data, constant"),
    ("value", "made outside this graph"),
]


def save_trace_graph(path, graph, dpi=DPI):
    """Save ``graph`` (a ``TraceGraph``) as a PNG at ``path``."""
    tops = [MARGIN + HEADER]  # where each band starts, in inches from the top
    for lanes in graph.lanes:
        tops.append(tops[-1] + lanes * LANE + BAND_GAP)
    width, height = 2 * MARGIN + (graph.band_columns + 1) * COLUMN, tops[-1]
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, as lanes do
    ax.axis("off")
    _header(ax, graph)
    centres = {key: (MARGIN + (n.column + 0.5) * COLUMN, tops[n.band] + (n.lane + 0.5) * LANE)
               for key, n in graph.nodes.items()}
    boxes = {key: _box(ax, n, centres[key]) for key, n in graph.nodes.items()}
    lines = [(e.src, e.dst, _look(e), _norms(e)) for e in graph.edges]
    lines += [(op, backward, STARTS, "") for op, backward in graph.starts]
    uses, wrapped = {}, {}
    for src, dst, look, label in lines:
        if graph.nodes[src].band == graph.nodes[dst].band:
            uses.setdefault((src, dst), []).append((look, label))
        else:
            wrapped.setdefault(graph.nodes[dst].band, []).append((src, dst, look, label))
    for (src, dst), drawn in uses.items():
        for k, (look, label) in enumerate(drawn):
            bend = 0.3 * (k - (len(drawn) - 1) / 2)  # an input used twice: two arrows, fanned out
            _arrow(ax, centres[src], centres[dst], boxes[src], boxes[dst], bend, look, label)
    for band, drawn in wrapped.items():
        for k, (src, dst, look, label) in enumerate(drawn):
            at = (k + 1) / (len(drawn) + 1)
            _wrapped_arrow(ax, centres[src], centres[dst], tops[band], at, look, label)
    fig.savefig(path, dpi=dpi)


def _header(ax, graph):
    """The section's name, how to read the arrows, and a legend of the kinds of box present."""
    ax.text(MARGIN, MARGIN, str(graph.section), fontsize=13, weight="bold", va="top")
    ax.text(MARGIN, MARGIN + 0.32, "Arrows run from inputs to outputs, as the forward pass did. A red one "
            "carried a gradient back, labelled with its L2 norm; a grey one, none.", fontsize=9, va="top")
    kinds = {n.kind for n in graph.nodes.values()}
    entries = [(STYLES[kind], text) for kind, text in LEGEND if kind in kinds]  # only the kinds present
    if graph.highlighted():
        entries.append(((STYLES["param"][0], RED, "-"), "received a gradient"))
    x, y = MARGIN, MARGIN + 0.7
    for (fill, frame, style), text in entries:
        ax.add_patch(FancyBboxPatch((x, y - 0.08), 0.24, 0.16, boxstyle="round,pad=0,rounding_size=0.03",
                                    fc=fill, ec=frame, ls=style, lw=2 if frame == RED else 1.2))
        ax.text(x + 0.31, y, text, fontsize=8.5, va="center")
        x += 0.5 + 0.064 * len(text)


def _box(ax, node, centre):
    """Draw ``node``'s box and its two lines at ``centre``; returns the patch, for arrows to clip at."""
    fill, frame, style = STYLES[node.kind]
    x, y = centre
    box = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0,rounding_size=0.07",
                         fc=fill, ec=RED if node.highlight else frame, lw=2.6 if node.highlight else 1.3,
                         ls=style, zorder=2)
    ax.add_patch(box)
    short = len(node.title) <= 12  # a longer title (LeakyReLU.backward) in a smaller, lighter font
    detail = textwrap.wrap(node.detail, 21)  # "from <section>" may need two lines
    ax.text(x, y - (0.1 if len(detail) == 1 else 0.13), node.title, fontsize=10 if short else 8.5,
            weight="bold" if short else "normal", ha="center", va="center", zorder=3)
    ax.text(x, y + (0.12 if len(detail) == 1 else 0.1), "\n".join(detail),
            fontsize=8.5 if len(detail) == 1 else 7.5, ha="center", va="center", linespacing=1.0, zorder=3)
    return box


def _look(edge):
    """Colour, width and line style of an arrow: red where a gradient crossed it."""
    return (RED, 1.7, "-") if edge.carried_grad else (GREY, 1.1, "-")


def _norms(edge):
    """The label of an arrow: the norms of the gradients that crossed it, or nothing."""
    return ", ".join(f"{n:.3g}" for n in edge.norms if n is not None)


def _label(ax, text, x, y):
    """Write an arrow's label (red, on white) centred at ``x, y``; nothing for no text."""
    if text:
        ax.text(x, y, text, fontsize=8.5, color=RED, ha="center", va="center", zorder=4,
                bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.9))


def _arrow(ax, a, b, box_a, box_b, bend, look, label):
    """An arrow between two boxes of one band, bent by ``bend`` (arc3's rad), labelled near its start."""
    colour, width, style = look
    if bend == 0 and b[0] - a[0] > COLUMN * 1.5 and a[1] == b[1]:
        bend = -0.25  # skipping columns along a lane: bend over the boxes in between
    ax.add_patch(FancyArrowPatch(a, b, patchA=box_a, patchB=box_b, arrowstyle="-|>", mutation_scale=11,
                                 connectionstyle=f"arc3,rad={bend}", color=colour, lw=width, ls=style, zorder=1))
    if bend:  # arc3's curve passes halfway between the chord's middle and its control point
        x, y = (a[0] + b[0]) / 2 - bend * (b[1] - a[1]) / 2, (a[1] + b[1]) / 2 + bend * (b[0] - a[0]) / 2
    else:  # on the gap after the source's column, where arrows from one column are spread apart
        t = (COLUMN / 2) / (b[0] - a[0])
        x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
    _label(ax, label, x, y)


def _wrapped_arrow(ax, a, b, top, at, look, label):
    """An arrow into a later band: right out of the source, along the gap above the target's band,
    down between its first two columns and into the target.

    ``at`` (between 0 and 1) spreads the arrows into one band apart: their height in the gap,
    where they run down, and where their labels go.
    """
    colour, width, style = look
    turn, enter = a[0] + COLUMN / 2 - 0.12 * at, MARGIN + COLUMN - 0.12 * at
    gap = top - BAND_GAP * (1 - at)
    points = [(a[0] + BOX_W / 2, a[1]), (turn, a[1]), (turn, gap), (enter, gap), (enter, b[1]),
              (b[0] - BOX_W / 2, b[1])]
    path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=11, color=colour, lw=width,
                                 ls=style, zorder=1))
    _label(ax, label, enter + at * (turn - enter), gap)
