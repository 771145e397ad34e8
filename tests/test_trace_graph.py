"""``Trace.draw``: the graph a picture shows, checked on its data (boxes, arrows, norms), not on pixels."""

import functools
import importlib
import subprocess
import sys

import numpy as np
import pytest

import minigan
from minigan.autograd.trace_graph import BAND_COLUMNS, MAX_BANDS, GraphTooLarge, build_graph
from minigan.nn import functional as F
from tests.helpers import ROOT, run_script, tensor

X = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
W = np.array([[0.3, -0.1], [-0.7, 0.2], [0.4, 0.9], [0.05, -0.6]])
B = np.array([0.1, -0.2, 0.3, 0.0])


@pytest.fixture(scope="module")
def demo():
    """demos/trace_step.py as a module, for its trainer and its sections (it imports demos/cli.py)."""
    sys.path.insert(0, str(ROOT / "demos"))
    try:
        return importlib.import_module("trace_step")
    finally:
        sys.path.remove(str(ROOT / "demos"))


@pytest.fixture(scope="module")
def traced_step(demo):
    """``loss -> Trace`` of one step of the demo's small GAN, its moves marked as sections."""
    @functools.cache
    def trace(loss):
        trainer = demo.make_trainer(demo.build_parser().parse_args(["--loss", loss]))
        with minigan.trace(G=trainer.generator, D=trainer.discriminator) as t:
            demo.mark_moves(trainer, t)
            trainer.step()
        return t
    return trace


def expected_arrows(t, section):
    """The arrows a section's picture must have, read off the rows independently of trace_graph.

    Every input of a forward row with a graph; and, for a backward row run with
    create_graph, every input of the ops it ran that a later backward differentiated, except
    those it made itself. Returns ``{(row, position): (source row or None, destination)}``.
    """
    rows = t.rows
    boxes = {r["index"] for r in rows if r["section"] == section and r["graph"]}
    arrows = {}
    for row in rows:
        if row["pass"] == "forward" and row["index"] in boxes:
            dst = row["index"]
        elif row["pass"] == "backward" and row["of"] in boxes and rows[row["of"] - 1]["pass"] == "backward":
            dst = row["of"]
        else:
            continue
        for i, source in enumerate(row["sources"]):
            if source != dst:
                arrows[(row["index"], i)] = (source if source in boxes else None, dst)
    return boxes, arrows


def test_the_boxes_and_arrows_of_a_known_graph(xp):
    tx, tW, tb = tensor(xp, X), tensor(xp, W), tensor(xp, B)
    with minigan.trace(W=tW, b=tb) as t:
        F.relu(F.linear(tx, tW, tb)).sum().backward()
    g = build_graph(t, None)
    assert g.ops() == {1, 2, 3}
    assert {e.key: (e.src, e.dst) for e in g.edges} == {
        (1, 0): ((1, 0), 1), (1, 1): ((1, 1), 1), (1, 2): ((1, 2), 1), (2, 0): (1, 2), (3, 0): (2, 3)}
    assert [(g.nodes[k].kind, g.nodes[k].title) for k in [(1, 0), (1, 1), (1, 2)]] == [
        ("leaf", "leaf"), ("param", "W"), ("param", "b")]
    assert g.nodes[1].detail == "#1 (3, 4)" and g.nodes[3].detail == "#3 ()"
    linear_backward = [r for r in t.rows if r["op"] == "Linear" and r["pass"] == "backward"][0]
    norms = {e.key: e.norms for e in g.edges}
    assert [norms[(1, i)] for i in range(3)] == [[n] for n in linear_backward["norms"]]
    assert g.highlighted() == {"W", "b"}
    # by generation, left to right: each arrow ends in a later column (or a later band)
    place = {k: (n.band, n.column) for k, n in g.nodes.items()}
    assert all(place[e.src] < place[e.dst] for e in g.edges)


def test_a_second_derivative_draws_the_first_backward_as_boxes(xp):
    tx = tensor(xp, X)
    with minigan.trace() as t:
        (gx,) = minigan.grad(F.tanh(tx).sum(), [tx], create_graph=True)
        (gx * gx).sum().backward()
    g = build_graph(t, None)
    boxes, arrows = expected_arrows(t, None)
    assert g.ops() == boxes
    tanh_backward = [k for k in g.ops() if g.nodes[k].title == "Tanh.backward"][0]
    sum_backward = [k for k in g.ops() if g.nodes[k].title == "Sum.backward"][0]
    into = [g.nodes[e.src] for e in g.edges if e.dst == tanh_backward]
    # gy * (1 - y * y): the gradient from Sum.backward, the constant 1 and y twice; not its own y * y
    assert sorted(n.key for n in into if n.kind != "leaf") == [1, 1, sum_backward]
    assert [n.detail for n in into if n.kind == "leaf"] == ["()"]
    assert {e.key for e in g.edges} == set(arrows)
    tanh_edge = [e for e in g.edges if e.dst == 1][0]
    assert len(tanh_edge.norms) == 2  # crossed by both backward passes


@pytest.mark.parametrize("loss", ["non-saturating", "wgan-gp"])
def test_every_section_draws_exactly_its_rows(traced_step, loss):
    t = traced_step(loss)
    for section in t.sections():
        g = build_graph(t, section)
        boxes, arrows = expected_arrows(t, section)
        assert g.ops() == boxes, section
        assert {e.key: (e.src if e.src in boxes else None, e.dst) for e in g.edges} == arrows, section
        for e in g.edges:
            row, i = t.rows[e.key[0] - 1], e.key[1]
            if e.src not in boxes:  # a box of its own for this use, of the right kind
                kind = g.nodes[e.src].kind
                assert kind == ("param" if row["names"][i] else "leaf" if row["sources"][i] is None else "value")


def test_move_2_draws_no_op_of_the_generator(demo, traced_step):
    g = build_graph(traced_step("non-saturating"), demo.MOVES[1])
    ops = [g.nodes[k].title for k in sorted(g.ops())]
    assert ops == ["Linear", "LeakyReLU", "Linear", "LeakyReLU", "Linear", "Softplus", "Mul", "Sub", "Sum",
                   "Mul", "Add"]  # D and the loss; G's ReLUs ran under no_grad()
    assert not any(n.title.startswith("G.") for n in g.nodes.values())
    fakes = [n for n in g.nodes.values() if n.kind == "value" and n.detail.endswith("no graph")]
    assert len(fakes) == 1 and fakes[0].title.endswith("(4, 4)")  # the packed fakes enter D as data


def test_move_3_highlights_the_generator_and_not_the_discriminator(demo, traced_step):
    g = build_graph(traced_step("non-saturating"), demo.MOVES[2])
    params = {n.title for n in g.nodes.values() if n.kind == "param"}
    assert len(params) == 12  # G's 6 and D's 6, each drawn
    assert g.highlighted() == {p for p in params if p.startswith("G.")}


@pytest.mark.parametrize("loss", ["wgan-gp", "ns-r1"])
def test_the_penalty_draws_the_backward_its_second_derivative_runs_through(demo, traced_step, loss):
    t = traced_step(loss)
    g = build_graph(t, demo.PENALTY)
    backward = sorted((k, g.nodes[k].title) for k in g.ops() if g.nodes[k].kind == "backward")
    assert [title for _, title in backward] == [
        "Sum.backward", "Linear.backward", "LeakyReLU.backward", "Linear.backward", "LeakyReLU.backward",
        "Linear.backward", "Reshape.backward"]  # D's backward, from its logits' sum down to its input
    # the penalty's gradient reaches D's weights through W in each Linear.backward (gx = gy W)
    into_backward = [e for e in g.edges if g.nodes[e.dst].kind == "backward" and g.nodes[e.src].kind == "param"]
    assert {g.nodes[e.src].title for e in into_backward} == {"D.1.weight", "D.3.weight", "D.5.weight"}
    assert all(e.carried_grad for e in into_backward)
    assert g.highlighted() == {"D.1.weight", "D.3.weight", "D.5.weight"} == set(t.received_grad(demo.PENALTY))
    # the penalty's forward reads the gradient that Reshape.backward made
    last = backward[-1][0]
    assert any(e.src == last and g.nodes[e.dst].kind == "op" for e in g.edges)


def test_a_graph_too_large_to_read_is_refused(xp):
    x = tensor(xp, X)
    with minigan.trace() as t:
        for _ in range(MAX_BANDS * BAND_COLUMNS + 1):
            x = F.tanh(x)
    with pytest.raises(GraphTooLarge, match=f"more than the {MAX_BANDS * BAND_COLUMNS} a legible picture holds"):
        build_graph(t, None)


def test_draw_writes_a_png_and_asks_for_a_section(demo, traced_step, tmp_path):
    t = traced_step("non-saturating")
    path = tmp_path / "move.png"
    t.draw(path, demo.MOVES[0])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="draw one with section="):
        t.draw(tmp_path / "all.png")


def test_the_demo_draws_one_small_picture_per_move(tmp_path):
    result = run_script("demos/trace_step.py", "--loss", "wgan-gp", "--graph", tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["1-d-real.png", "2-d-fake.png", "2b-penalty.png", "3-g.png"]
    assert all((tmp_path / f).stat().st_size < 200_000 for f in files)


def test_the_demo_refuses_a_graph_too_large_and_names_the_flag(tmp_path):
    result = run_script("demos/trace_step.py", "--depth", "6", "--graph", tmp_path / "out", timeout=120)
    assert result.returncode == 2
    assert "a legible picture holds; draw a step with fewer layers: --depth 2" in result.stderr
    assert not (tmp_path / "out").exists()  # nothing drawn, not even the moves that would fit


def test_import_minigan_and_the_graph_data_load_no_matplotlib():
    code = "import sys, minigan, minigan.autograd.trace_graph; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr
