"""The benchmark harness runs: each workload's minigan step, the floor, and PyTorch's when installed.

Tiny settings keep it fast; the timings themselves are not checked (they depend on the machine).
"""

import importlib.util
import sys

import numpy as np
import pytest

from benchmarks import by_hand, floor, gpu_check
from benchmarks.run import measure, summarise, table
from benchmarks.spec import sizes
from benchmarks.workloads_minigan import make_step
from minigan.autograd import Function

TINY = {"A": {"batch": 8, "width": 16}, "B": {"batch": 4, "image_size": 8}}
HAS_TORCH = importlib.util.find_spec("torch") is not None


def float32_parameters(step):
    """The trainer's networks' parameters, read from the bound ``GANTrainer.step``."""
    trainer = step.__self__
    return [p.data for net in (trainer.generator, trainer.discriminator) for p in net.parameters()]


@pytest.mark.parametrize("workload", ["A", "B"])
def test_minigan_step_trains_in_float32(workload):
    step = make_step(workload, **TINY[workload])
    before = [p.copy() for p in float32_parameters(step)]
    for _ in range(2):
        stats = step()
    after = float32_parameters(step)
    assert all(p.dtype == np.float32 for p in after)
    assert stats["d_loss"].dtype == stats["g_loss"].dtype == np.float32
    assert np.isfinite(float(stats["d_loss"])) and np.isfinite(float(stats["g_loss"]))
    assert all(not np.array_equal(a, b) for a, b in zip(before, after)), "a parameter did not move"


@pytest.mark.parametrize("workload", ["A", "B"])
def test_every_array_of_a_step_is_float32(workload, monkeypatch):
    """No float64 creeps in through a Python scalar or NumPy's promotion, forward or backward."""
    step = make_step(workload, **TINY[workload])
    seen = []
    call = Function.__call__

    def recording_call(self, *inputs):
        y = call(self, *inputs)
        seen.append((self.name, y.dtype))
        return y

    monkeypatch.setattr(Function, "__call__", recording_call)
    step()
    assert len(seen) > 50  # the forward and the backward passes were both seen
    assert {(name, str(dtype)) for name, dtype in seen if dtype != np.float32} == set()


@pytest.mark.parametrize("workload", ["A", "B"])
def test_measure_reports_times_and_memory(workload):
    result = measure("minigan", workload, warmup=1, steps=2, **TINY[workload])
    assert len(result["times_ms"]) == 2 and all(t > 0 for t in result["times_ms"])
    assert result["peak_rss_mib"] >= result["base_rss_mib"] > 0


def test_by_hand_step_makes_minigans_updates_bit_for_bit(numpy_backend):
    """The by-hand step is minigan's arithmetic without the engine: same seed, same parameters."""
    hand = by_hand.make_step("A", **TINY["A"])
    for _ in range(3):
        hand()
    step = make_step("A", **TINY["A"])  # seeds minigan again: the same weights, data and noise
    initial = [p.copy() for p in float32_parameters(step)]
    for _ in range(3):
        step()
    pairs = zip(hand.G + hand.D, float32_parameters(step), initial)
    for i, (theirs, ours, start) in enumerate(pairs):
        assert not np.array_equal(ours, start), f"parameter {i} did not move"
        np.testing.assert_array_equal(theirs, ours, err_msg=f"parameter {i}")


def test_by_hand_is_written_for_workload_a_only():
    with pytest.raises(ValueError, match="workload A only"):
        by_hand.make_step("B")


def test_table_gives_each_ratio_from_the_medians():
    def result(*times):
        return {"times_ms": list(times), "peak_rss_mib": 10.0, "base_rss_mib": 5.0}

    summaries = {"A": {"minigan": summarise([result(30, 20, 10)]), "by-hand": summarise([result(10)]),
                       "floor": summarise([result(8)])}}
    report = table(summaries, ["A"])
    assert "minigan/by-hand 2.00x, minigan/floor 2.50x" in report
    assert "by-hand/floor 1.25x" in report


def test_floor_counts_the_flops_of_workloads_md():
    # WORKLOADS.md: about 1.67 GFLOP (A) and 10.4 GFLOP (B) of matrix products per step
    assert floor.flops(floor.step_products("A", sizes("A"))) == pytest.approx(1.67e9, rel=0.01)
    assert floor.flops(floor.step_products("B", sizes("B"))) == pytest.approx(10.4e9, rel=0.01)


def test_floor_operands_have_the_product_shapes():
    rng = np.random.default_rng(0)
    for kind, expected in [("fwd", (5, 7)), ("gW", (7, 3)), ("gx", (5, 3))]:
        a, b = floor.operands(kind, 5, 3, 7, rng)  # M=5, K=3, O=7
        assert (a @ b).shape == expected and a.dtype == b.dtype == np.float32


@pytest.mark.parametrize("workload", ["A", "B"])
def test_floor_times_the_tiny_products(workload):
    products = floor.step_products(workload, sizes(workload, **TINY[workload]))
    times = floor.time_floor(products, warmup=1, repeats=2)
    assert len(times) == 2 and all(t > 0 for t in times)


def test_sizes_reject_an_image_size_the_convolutions_cannot_halve_twice():
    with pytest.raises(ValueError, match="multiple of 4"):
        sizes("B", image_size=30)


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (it is optional)")
@pytest.mark.parametrize("workload", ["A", "B"])
def test_torch_step_runs(workload):
    from benchmarks.workloads_torch import make_step as make_torch_step

    step = make_torch_step(workload, **TINY[workload])
    for _ in range(2):
        d_loss, g_loss = step()
    assert np.isfinite(d_loss) and np.isfinite(g_loss)


def test_gpu_check_runs_every_part_and_judges_each(tmp_path, monkeypatch, capsys):
    """The GPU check's plumbing, with quick stand-ins for the suite, the demos and the benchmark:
    one row per part and check, and a non-zero exit when a quality check fails."""
    def writes(metrics):  # a "demo" that writes its metrics.json into --out, as the demos do
        code = (f"import json, pathlib, sys; out = pathlib.Path(sys.argv[sys.argv.index('--out') + 1]); "
                f"out.mkdir(parents=True); (out / 'metrics.json').write_text(json.dumps({metrics!r}))")
        return ["-c", code]

    ring = {"modes": 8, "n_modes": 8, "high_quality": 0.97, "reverse_kl": 0.001}
    digits = {"rows": {"generated": {"fid": 12.5, "classes": 10, "n_classes": 10}}}  # FID over 10: fails
    monkeypatch.setattr(gpu_check, "suite_command", lambda: [sys.executable, "-c", "print('== 3 passed in 1.0s ==')"])
    monkeypatch.setattr(gpu_check, "DEMOS", tuple((name, writes(m), checks) for (name, _, checks), m
                                                  in zip(gpu_check.DEMOS, (ring, digits))))
    monkeypatch.setattr(gpu_check, "BENCHMARK", [sys.executable, "-c", "print('A minigan 1.0')"])
    assert gpu_check.main(["--out", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split("  ")[0]: line for line in lines[1:] if line.strip() and "  " in line}
    assert "3 passed in 1.0s" in rows["test suite on CuPy"] and " yes " in rows["test suite on CuPy"]
    assert "8/8" in rows["ring demo: modes"] and "97.0%" in rows["ring demo: high quality"]
    assert "12.50" in rows["digits demo: FID"] and " NO " in rows["digits demo: FID"]
    assert " yes " in rows["digits demo: classes"] and lines[-1] == "A minigan 1.0"
