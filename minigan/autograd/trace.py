"""``minigan.trace()``: watch every operation of a forward and a backward pass.

Inside ``with minigan.trace() as t:`` each ``Function`` applied adds a *forward row* and
each backward that the engine runs adds a *backward row*, in execution order::

    with minigan.trace(D=discriminator) as t:
        t.section("1. D on real")
        loss = loss_fn(discriminator(x))
        loss.backward()
    print(t)                      # a table, one block per section
    t.rows                        # the same rows as plain dicts, for code
    t.received_grad("1. D on real")  # ['D.0.weight', 'D.0.bias', ...]

A forward row is a dict with the keys

* ``index``: 1, 2, ... in execution order (forward and backward rows counted together);
* ``pass``: ``"forward"``;
* ``section``: the label of the last ``section()`` call (``None`` before any), or, for
  an op on gradients, the section of the backward row that produced them;
* ``op``: the Function's name (``"Linear"``, ``"LeakyReLU"``, ``"Sum"``, ...);
* ``inputs``: the input shapes; ``names``: the inputs' names (``"D.0.weight"``) for the
  parameters of the modules given to ``trace()``, else ``None``;
* ``sources``: for each input, the ``index`` of the row that produced it in this trace,
  else ``None`` (data, parameters, constants). A backward row as the source means the
  input is a gradient it produced: the engine adds the gradients of a tensor used twice
  with an ordinary ``Add``, which shows up as a forward row (with no graph) among the
  backward rows;
* ``output``: the output shape;
* ``graph``: whether the op was recorded for a backward pass (False under ``no_grad()``
  or when no input requires grad).

A backward row has ``index``, ``pass`` (``"backward"``), ``section``, ``op``, ``inputs``,
``names``, ``sources`` and ``output`` with the same meaning (the op whose backward ran), and

* ``grads``: for each input, the shape of the gradient the backward produced for it, or
  ``None`` where none was needed (data, a detached input, a parameter nobody asked for);
* ``norms``: the L2 norm of each of those gradients (a float), or ``None``;
* ``of``: the index of the row that ran the op: its forward row or, for an op that a
  backward ran internally (below), that backward row; ``None`` if the op ran before the trace;
* ``graph``: whether the backward ran with ``create_graph=True``, so that its own operations
  were recorded and its gradients can be differentiated again (a gradient penalty).

A backward row belongs to the section of the row in ``of``, so a section shows what it
computed in both passes; the ``index`` still tells when each ran. Operations that a
backward runs internally (its ``@``, ``.T``, ``sum``) are part of that backward's row, not
rows of their own: a tensor they make reads as that backward row's output (``g#7``), and
when a later backward differentiates them (a second derivative), its rows have that
backward row as ``of``.

``t.draw(path)`` draws a section's rows as a graph (``minigan.autograd.trace_graph``).

``minigan.autograd.function`` and ``minigan.autograd.engine`` call this module only while
``active`` is non-empty, so without a trace the cost is one list check per operation.
"""

import contextlib
import weakref

from minigan import backend
from minigan.autograd import grad_mode

active = []  # the Traces recording now (nested traces all record)
_backward_depth = 0  # > 0 while a Function's backward runs: its inner ops are not rows


class Trace:
    """The rows recorded by one ``minigan.trace()`` block; see the module docstring.

    Args:
        named: ``name=module`` (every parameter is named ``name.<parameter name>``) or
            ``name=tensor`` pairs, so that rows show names instead of bare shapes.
    """

    def __init__(self, **named):
        self.rows = []
        self.current_section = None
        self._names = {}  # id(tensor) -> (tensor, name): the tensor kept alive so its id stays its own
        for name, value in named.items():
            if hasattr(value, "named_parameters"):
                for p_name, p in value.named_parameters():
                    self._names[id(p)] = (p, f"{name}.{p_name}")
            elif hasattr(value, "creator") and hasattr(value, "data"):
                self._names[id(value)] = (value, name)
            else:
                raise TypeError(f"trace: {name}= must be a Module or a Tensor, got {type(value).__name__}")
        self._made_by = {}  # id(tensor) -> (weakref to it, index of the row that produced it)
        self._row_of = weakref.WeakKeyDictionary()  # Function -> index of the row that ran it

    # ------------------------------------------------------------ recording
    def section(self, label):
        """Start a new section: the rows recorded from now on carry ``label``."""
        self.current_section = str(label)

    def _name(self, t):
        entry = self._names.get(id(t))
        return entry[1] if entry is not None else None

    def _source(self, t):
        entry = self._made_by.get(id(t))
        return entry[1] if entry is not None and entry[0]() is t else None

    def _add_forward(self, f, inputs, y):
        sources = tuple(self._source(t) for t in inputs)
        section = self.current_section
        on_grads = [i for i in sources if i is not None and self.rows[i - 1]["pass"] == "backward"]
        if on_grads:  # the engine summing gradients: it belongs where they were made
            section = self.rows[on_grads[0] - 1]["section"]
        row = {
            "index": len(self.rows) + 1,
            "pass": "forward",
            "section": section,
            "op": f.name,
            "inputs": tuple(t.shape for t in inputs),
            "names": tuple(self._name(t) for t in inputs),
            "sources": sources,
            "output": y.shape,
            "graph": y.creator is f,
        }
        self.rows.append(row)
        self._made_by[id(y)] = (weakref.ref(y), row["index"])
        if row["graph"]:
            self._row_of[f] = row["index"]

    def _add_inside_backward(self, f, y):
        # an op run by the backward now running, whose row is the next one; it is recorded
        # only under create_graph=True, and then a later backward may differentiate it
        if y.creator is f:
            index = len(self.rows) + 1
            self._row_of[f] = index
            self._made_by[id(y)] = (weakref.ref(y), index)

    def _add_backward(self, f, gy, gxs):
        index = len(self.rows) + 1
        sources = tuple(self._source(t) for t in f.inputs)  # before the gradients are registered
        grads, norms = [], []
        for gx, need in zip(gxs, f.needs_input_grad):
            if not need or gx is None:
                grads.append(None)
                norms.append(None)
                continue
            self._made_by[id(gx)] = (weakref.ref(gx), index)
            xp = backend.get_array_module(gx.data)
            grads.append(gx.shape)
            norms.append(float(xp.linalg.norm(gx.data.reshape(-1))))  # a host sync on CuPy: fine here
        of = self._row_of.get(f)
        self.rows.append({
            "index": index,
            "pass": "backward",
            "section": self.rows[of - 1]["section"] if of is not None else self.current_section,
            "op": f.name,
            "inputs": tuple(t.shape for t in f.inputs),
            "names": tuple(self._name(t) for t in f.inputs),
            "sources": sources,
            "output": gy.shape,
            "grads": tuple(grads),
            "norms": tuple(norms),
            "of": of,
            "graph": grad_mode.is_grad_enabled(),  # the engine turns it on for create_graph=True
        })

    # ------------------------------------------------------------ reading
    def sections(self):
        """The section labels in the order they first appear in the rows."""
        return list(dict.fromkeys(row["section"] for row in self.rows))

    def received_grad(self, section=None):
        """The names of the named tensors that received a gradient in ``section``.

        In the order the gradients were produced, each name once; ``section=None`` looks
        at every row. A parameter that is used but gets no gradient (D's weights in the
        generator's move) is not listed.
        """
        names = {}
        for row in self.rows:
            if row["pass"] == "backward" and (section is None or row["section"] == section):
                for name, grad in zip(row["names"], row["grads"]):
                    if name is not None and grad is not None:
                        names[name] = True
        return list(names)

    def table(self, section=None):
        """The rows as a text table, one block per section (only ``section``'s if given).

        Inputs read ``#3`` (the output of row 3), ``g#7`` (a gradient that backward row 7
        produced), a name given to ``trace()``, or ``leaf`` (no row of this trace made it:
        data, a constant), each with its shape. A backward row lists the norm of each input's
        gradient in the same order, ``-`` where none was produced.
        """
        labels = self.sections() if section is None else [section]
        passes = {row["index"]: row["pass"] for row in self.rows}
        lines = []
        for label in labels:
            rows = [r for r in self.rows if r["section"] == label]
            if label is not None or len(labels) > 1:
                lines.append(f"== {label if label is not None else '(before any section)'} ==")
            lines.extend(_format_rows(rows, passes))
            received = self.received_grad(label)
            if self._names:
                lines.append("gradients reached: " + (", ".join(received) if received else "no named tensor"))
            lines.append("")
        return "\n".join(lines).rstrip("\n")

    def draw(self, path, section=None):
        """Save a PNG picture of ``section``'s graph, forward and backward on the same arrows.

        Each recorded op is a box with its row number and output shape, laid out by
        generation from left to right; parameters (``D.1.weight``), leaves and values made
        outside the graph are boxes of their own, with arrows from inputs to outputs. The
        backward pass is drawn on the same arrows: one that a gradient crossed is red,
        labelled with that gradient's norm, and a parameter that received one has a red
        frame. ``section`` may be left out when the trace has only one. A section too large
        to draw legibly raises ``trace_graph.GraphTooLarge``. Needs matplotlib, imported
        only here.
        """
        from minigan.autograd.trace_graph import build_graph
        from minigan.plot.graph import save_trace_graph

        if section is None:
            if len(self.sections()) != 1:
                raise ValueError(f"this trace has sections {self.sections()}: draw one with section=...")
            section = self.sections()[0]
        save_trace_graph(path, build_graph(self, section))

    def __str__(self):
        return self.table()

    def __repr__(self):
        return f"<Trace: {len(self.rows)} rows, sections {self.sections()}>"


def shape_text(shape):
    """``(4, 16)``, ``(16,)`` or ``()``: a shape as Python writes a tuple."""
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _operand(row, i, passes):
    """How input ``i`` of ``row`` reads in the table: its name or source row, and its shape."""
    name, source = row["names"][i], row["sources"][i]
    if name is not None:
        who = name
    elif source is None:
        who = "leaf"
    else:
        who = ("g#" if passes.get(source) == "backward" else "#") + str(source)
    return f"{who} {shape_text(row['inputs'][i])}"


def _format_rows(rows, passes):
    """Text lines for ``rows``: index, pass, op, inputs -> output, and gradient norms.

    ``passes`` maps every row index to its pass, to tell outputs from gradients.
    """
    cells = [("#", "pass", "op", "inputs", "output", "grad norms (per input)")]
    for row in rows:
        inputs = ", ".join(_operand(row, i, passes) for i in range(len(row["inputs"])))
        if row["pass"] == "forward":
            output, last = shape_text(row["output"]), "" if row["graph"] else "(no graph: nothing to backward)"
        else:
            output = "gy " + shape_text(row["output"])
            last = ", ".join("-" if n is None else f"{n:.4g}" for n in row["norms"])
        cells.append((str(row["index"]), row["pass"], row["op"], inputs, output, last))
    widths = [max(len(c[k]) for c in cells) for k in range(5)]
    return [
        "  ".join([c[0].rjust(widths[0])] + [c[k].ljust(widths[k]) for k in range(1, 5)] + [c[5]]).rstrip()
        for c in cells
    ]


@contextlib.contextmanager
def trace(**named):
    """Record every operation run inside the block; yields the ``Trace``.

    Args:
        named: ``name=module`` or ``name=tensor``: how to name parameters and tensors in
            the rows (``trace(G=generator, D=discriminator)`` names ``"D.0.weight"``).

    Traces nest: an inner one records as well, and leaving a block (even by an
    exception) stops only its own trace.
    """
    t = Trace(**named)
    active.append(t)
    try:
        yield t
    finally:
        active.remove(t)


def record_forward(f, inputs, y):
    """Add a forward row for ``f`` to every active trace (the hook in ``Function.__call__``)."""
    for t in active:
        if _backward_depth:  # an op inside some Function's backward: part of that backward's row
            t._add_inside_backward(f, y)
        else:
            t._add_forward(f, inputs, y)


def run_backward_op(f, gy):
    """Run ``f.backward(gy)`` and add its backward row to every active trace (the engine's hook).

    Returns what ``f.backward`` returned.
    """
    global _backward_depth
    _backward_depth += 1
    try:
        gxs = f.backward(gy)
    finally:
        _backward_depth -= 1
    row_gxs = gxs if isinstance(gxs, tuple) else (gxs,)
    if not _backward_depth:
        for t in active:
            t._add_backward(f, gy, row_gxs)
    return gxs
