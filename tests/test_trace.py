"""``minigan.trace()``: the rows of a known graph, sections, nesting, and the traced GAN step."""

import numpy as np
import pytest

import minigan
from minigan import nn
from minigan.autograd import trace as trace_module
from minigan.nn import functional as F
from tests.helpers import run_script, tensor

# fixed float64 data for L = sum(relu(x W^T + b)); no pre-activation is near ReLU's kink
X = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
W = np.array([[0.3, -0.1], [-0.7, 0.2], [0.4, 0.9], [0.05, -0.6]])
B = np.array([0.1, -0.2, 0.3, 0.0])


def test_rows_of_a_known_graph(xp):
    tx, tW, tb = tensor(xp, X), tensor(xp, W), tensor(xp, B)
    with minigan.trace(W=tW, b=tb) as t:
        loss = F.relu(F.linear(tx, tW, tb)).sum()
        loss.backward()

    # forward rows: op names, shapes, names, which row made each input
    ops = [(r["pass"], r["op"]) for r in t.rows]
    assert ops == [("forward", "Linear"), ("forward", "ReLU"), ("forward", "Sum"),
                   ("backward", "Sum"), ("backward", "ReLU"), ("backward", "Linear")]
    linear, relu, total = t.rows[:3]
    assert linear["inputs"] == ((3, 2), (4, 2), (4,)) and linear["output"] == (3, 4)
    assert linear["names"] == (None, "W", "b") and linear["sources"] == (None, None, None)
    assert relu["sources"] == (1,) and total["sources"] == (2,) and total["output"] == ()
    assert all(r["graph"] for r in t.rows[:3])
    assert [r["index"] for r in t.rows] == [1, 2, 3, 4, 5, 6]

    # backward rows: gradient shapes and norms against NumPy, written out independently
    mask = (X @ W.T + B > 0).astype(float)  # dL/d(x W^T + b) for L = sum(relu(.))
    expected = {
        "Sum": [np.ones((3, 4))],
        "ReLU": [mask],
        "Linear": [mask @ W, mask.T @ X, mask.sum(axis=0)],
    }
    for row in t.rows[3:]:
        want = expected[row["op"]]
        assert row["grads"] == tuple(g.shape for g in want)
        np.testing.assert_allclose(row["norms"], [np.linalg.norm(g) for g in want], rtol=1e-12)
    assert t.received_grad() == ["W", "b"]
    assert t.rows[5]["output"] == (3, 4)  # the gy that Linear's backward received


def test_inputs_without_gradients_read_none(xp):
    tx, tW = tensor(xp, X, requires_grad=False), tensor(xp, W)
    with minigan.trace() as t:
        (gW,) = minigan.grad(F.linear(tx, tW).sum(), [tW])
    linear = [r for r in t.rows if r["pass"] == "backward" and r["op"] == "Linear"][0]
    assert linear["grads"] == (None, (4, 2)) and linear["norms"][0] is None
    np.testing.assert_allclose(linear["norms"][1], np.linalg.norm(minigan.to_numpy(gW.data)))


def test_ops_inside_a_backward_are_not_rows(xp):
    tx, tW = tensor(xp, X), tensor(xp, W)
    with minigan.trace() as t:
        F.linear(tx, tW).sum().backward(create_graph=True)  # the backward's own ops join the graph
    assert [r["op"] for r in t.rows] == ["Linear", "Sum", "Sum", "Linear"]


def test_a_second_derivative_runs_through_the_first_backwards_rows(xp):
    tx, tW = tensor(xp, X), tensor(xp, W)
    with minigan.trace(W=tW) as t:
        t.section("gradient")
        (gx,) = minigan.grad(F.linear(tx, tW).sum(), [tx], create_graph=True)  # gx = 1 W, recorded
        t.section("penalty")
        (gx * gx).sum().backward()
    ops = [(r["index"], r["pass"], r["op"], r["of"] if r["pass"] == "backward" else None) for r in t.rows]
    assert ops[:6] == [(1, "forward", "Linear", None), (2, "forward", "Sum", None), (3, "backward", "Sum", 2),
                       (4, "backward", "Linear", 1), (5, "forward", "Mul", None), (6, "forward", "Sum", None)]
    assert [r["graph"] for r in t.rows[2:4]] == [True, True]  # run with create_graph=True
    assert t.rows[4]["sources"] == (4, 4)  # gx * gx reads the gradient of backward row 4
    # Linear's backward ran gy @ W; the second backward differentiates that op, in a row of row 4
    matmul = [r for r in t.rows if r["op"] == "MatMul"][0]
    assert matmul["of"] == 4 and not matmul["graph"] and matmul["sources"] == (3, None)
    assert matmul["names"] == (None, "W") and matmul["section"] == "gradient"  # row 4's section
    s = W.sum(axis=0)  # gx = ones(3, 4) W: every row is s, so P = 3 |s|^2 and dP/dW_ij = 6 s_j
    np.testing.assert_allclose(matmul["norms"][1], np.linalg.norm(6 * np.tile(s, (4, 1))), rtol=1e-12)
    assert t.received_grad() == ["W"]


def test_an_op_made_inside_a_backward_reads_as_that_backwards_output(xp):
    tx = tensor(xp, X)
    with minigan.trace() as t:
        (gx,) = minigan.grad(F.tanh(tx).sum(), [tx], create_graph=True)  # gy * (1 - y * y)
        (gx * gx).sum().backward()
    tanh_backward = [r for r in t.rows if r["op"] == "Tanh" and r["pass"] == "backward"][0]["index"]
    inner = [r for r in t.rows if r["pass"] == "backward" and r["of"] == tanh_backward]
    assert sorted(r["op"] for r in inner) == ["Mul", "Mul", "Sub"]
    sub = [r for r in inner if r["op"] == "Sub"][0]
    assert sub["sources"] == (None, tanh_backward)  # 1 - (y * y): y * y was made inside the backward


def test_no_grad_ops_are_rows_without_a_graph(xp):
    tx = tensor(xp, np.ones((2, 3)))
    with minigan.trace() as t:
        with minigan.no_grad():
            F.tanh(tx)
        F.tanh(tx)
    assert [r["graph"] for r in t.rows] == [False, True]
    assert "(no graph" in t.table().splitlines()[1]


def test_a_tensor_used_twice_shows_the_sum_of_its_gradients(xp):
    tx = tensor(xp, np.array([1.0, 2.0]))
    with minigan.trace() as t:
        y = F.tanh(tx)
        (y * y).sum().backward()
    adds = [r for r in t.rows if r["op"] == "Add"]
    assert len(adds) == 1 and not adds[0]["graph"]
    sources = adds[0]["sources"]
    assert {t.rows[i - 1]["op"] for i in sources} == {"Mul"}
    assert all(t.rows[i - 1]["pass"] == "backward" for i in sources)
    assert "g#" in t.table()


def test_sections_label_rows_and_backward_rows_follow_their_forward(xp):
    w = tensor(xp, np.array([[2.0]]))
    a, c = tensor(xp, np.array([[1.0]]), False), tensor(xp, np.array([[3.0]]), False)
    with minigan.trace(w=w) as t:
        t.section("real")
        real = (a @ w).sum()
        t.section("fake")
        fake = (c @ w).sum()
        (real + fake).backward()
    assert t.sections() == ["real", "fake"]
    real_rows = [r for r in t.rows if r["section"] == "real"]
    assert [(r["pass"], r["op"]) for r in real_rows] == [
        ("forward", "MatMul"), ("forward", "Sum"), ("backward", "Sum"), ("backward", "MatMul")]
    matmul = real_rows[-1]
    assert matmul["norms"][1] == pytest.approx(1.0)  # d(a w)/dw = a = 1
    fake_matmul = [r for r in t.rows if r["section"] == "fake" and r["op"] == "MatMul"][-1]
    assert fake_matmul["norms"][1] == pytest.approx(3.0)  # d(c w)/dw = c = 3
    assert t.received_grad("real") == ["w"] and t.received_grad("fake") == ["w"]
    table = t.table()
    assert table.index("== real ==") < table.index("== fake ==")
    assert "gradients reached: w" in t.table("real")


def test_nothing_is_recorded_outside_the_block(xp):
    tx = tensor(xp, np.ones(3))
    with minigan.trace() as t:
        pass
    F.tanh(tx).sum().backward()
    assert t.rows == [] and trace_module.active == []


def test_nested_traces_both_record_and_exit_restores_state(xp):
    tx = tensor(xp, np.ones(3))
    with minigan.trace() as outer:
        F.tanh(tx)
        with pytest.raises(ValueError), minigan.trace() as inner:
            F.sigmoid(tx)
            assert trace_module.active == [outer, inner]
            raise ValueError("leaving by an exception")
        assert trace_module.active == [outer]
        F.relu(tx)
    assert trace_module.active == []
    assert [r["op"] for r in outer.rows] == ["Tanh", "Sigmoid", "ReLU"]
    assert [r["op"] for r in inner.rows] == ["Sigmoid"]


def test_names_must_be_modules_or_tensors():
    with pytest.raises(TypeError, match="G= must be a Module or a Tensor"):
        with minigan.trace(G="generator"):
            pass


def test_module_parameters_are_named_with_a_prefix():
    layer = nn.Linear(2, 3, dtype="float64")
    with minigan.trace(fc=layer) as t:
        layer(minigan.randn(4, 2, dtype="float64")).sum().backward()
    assert t.rows[0]["names"] == (None, "fc.weight", "fc.bias")
    assert t.received_grad() == ["fc.weight", "fc.bias"]


def test_the_trace_step_demo_shows_which_parameters_each_move_touches():
    result = run_script("demos/trace_step.py", timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    moves = ["== 1. D on real ==", "== 2. D on fake (G detached) ==", "== 3. G through D =="]
    assert [out.index(m) for m in moves] == sorted(out.index(m) for m in moves)
    blocks = [out[out.index(m):] for m in moves]
    reached = [b.split("gradients reached: ")[1].splitlines()[0].split(", ") for b in blocks]
    assert all(name.startswith("D.") for name in reached[0] + reached[1]) and len(reached[0]) == 6
    assert sorted(reached[1]) == sorted(reached[0])
    assert all(name.startswith("G.") for name in reached[2]) and len(reached[2]) == 6
    assert "3. G through D              G: 6 of 6, D: 0 of 6" in out


def test_the_trace_step_demo_rejects_a_bad_batch_in_one_line():
    result = run_script("demos/trace_step.py", "--batch-size", "7", timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "trace_step.py: error: --batch-size 7 must be a multiple of --pack 2"
    for flags, message in ((["--batch", "8"], "unrecognized arguments: --batch 8"),  # no abbreviations
                           (["--z-dim", "100000000"], "argument --z-dim: '100000000' must be an integer <= 256")):
        result = run_script("demos/trace_step.py", *flags, timeout=60)
        assert result.returncode == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("model, d_params", [("cgan", 7), ("acgan", 8)])
def test_the_trace_step_demo_follows_a_conditional_step_and_its_labels(model, d_params):
    result = run_script("demos/trace_step.py", "--model", model, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    g_move = out[out.index("== 3. G through D =="):]
    assert "GetItem          G.embed.weight (10, 10)" in g_move and "Cat" in g_move  # the label joins z
    assert "G.embed.weight" in g_move.split("gradients reached: ")[1].splitlines()[0]  # and its rows learn
    assert f"3. G through D              G: 8 of 8, D: 0 of {d_params}" in out
    assert f"1. D on real                G: 0 of 8, D: {d_params} of {d_params}" in out
    refused = run_script("demos/trace_step.py", "--model", model, "--graph", "g", timeout=60)
    assert refused.returncode == 2 and "--graph draws the ring GAN's moves" in refused.stderr
