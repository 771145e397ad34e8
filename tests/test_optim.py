"""SGD and Adam: the update rules against hand-written references, skipped parameters,
zero_grad, saving and restoring, float32 staying float32, and hyper-parameter checks."""

import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan import Tensor, nn, optim

SHAPES = [(3, 2), (4,)]


def make_params(xp, dtype="float64", seed=0):
    """Two Parameters of SHAPES with standard-normal values."""
    rng = np.random.default_rng(seed)
    return [nn.Parameter(xp.asarray(rng.standard_normal(s), dtype=dtype)) for s in SHAPES]


def make_grads(steps, seed=1):
    """One list of NumPy gradients (one per parameter) for each step."""
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s) for s in SHAPES] for _ in range(steps)]


def run(opt, xp, grads):
    """Set the gradients of each step by hand (no autograd involved) and step."""
    for step_grads in grads:
        for p, g in zip(opt.params, step_grads):
            p.grad = None if g is None else Tensor(xp.asarray(g, dtype=p.dtype))
        opt.step()


def host(p):
    """A Parameter's values as a NumPy array."""
    return minigan.to_numpy(p.data)


# ---------------------------------------------------------------- references (PyTorch's documented form)

def sgd_reference(p, grads, lr, momentum, weight_decay):
    """torch.optim.SGD without dampening or Nesterov, one parameter, in float64."""
    buf = None
    for g in grads:
        d_p = g + weight_decay * p
        if momentum:
            buf = d_p.copy() if buf is None else momentum * buf + d_p
            d_p = buf
        p = p - lr * d_p
    return p


def adam_reference(p, grads, lr, beta1, beta2, eps, weight_decay):
    """torch.optim.Adam (not amsgrad), arranged as PyTorch's step: step size lr / bias
    correction 1, denominator sqrt(v) / sqrt(bias correction 2) + eps."""
    exp_avg, exp_avg_sq = np.zeros_like(p), np.zeros_like(p)
    for step, g in enumerate(grads, start=1):
        g = g + weight_decay * p
        exp_avg = exp_avg * beta1 + g * (1 - beta1)
        exp_avg_sq = exp_avg_sq * beta2 + g * g * (1 - beta2)
        denom = np.sqrt(exp_avg_sq) / np.sqrt(1 - beta2 ** step) + eps
        p = p - (lr / (1 - beta1 ** step)) * exp_avg / denom
    return p


# ---------------------------------------------------------------- update rules

@given(lr=st.floats(1e-3, 1.0), momentum=st.sampled_from([0.0, 0.5, 0.9]), weight_decay=st.floats(0.0, 0.1))
def test_sgd_matches_reference(xp, lr, momentum, weight_decay):
    params = make_params(xp)
    start = [host(p).copy() for p in params]
    grads = make_grads(4)
    run(optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay), xp, grads)
    for i, p in enumerate(params):
        expected = sgd_reference(start[i], [g[i] for g in grads], lr, momentum, weight_decay)
        np.testing.assert_allclose(host(p), expected, rtol=1e-12, atol=1e-14)


@given(lr=st.floats(1e-4, 0.1), beta1=st.floats(0.0, 0.95), beta2=st.floats(0.5, 0.9999),
       eps=st.sampled_from([1e-8, 1e-3]), weight_decay=st.floats(0.0, 0.1))
def test_adam_matches_reference(xp, lr, beta1, beta2, eps, weight_decay):
    params = make_params(xp)
    start = [host(p).copy() for p in params]
    grads = make_grads(5)
    opt = optim.Adam(params, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay)
    run(opt, xp, grads)
    for i, p in enumerate(params):
        expected = adam_reference(start[i], [g[i] for g in grads], lr, beta1, beta2, eps, weight_decay)
        np.testing.assert_allclose(host(p), expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.01),
])
def test_parameters_without_gradient_are_skipped(xp, make):
    params = make_params(xp)
    start = [host(p).copy() for p in params]
    grads = make_grads(3)
    grads[0][1] = None  # the second parameter gets no gradient on the first step
    run(make(params), xp, grads)
    control = make_params(xp)
    opt = make(control)
    run(opt, xp, grads[1:])  # ...so it must end as if it had only seen steps 2 and 3
    np.testing.assert_array_equal(host(params[1]), host(control[1]))
    assert not np.array_equal(host(params[0]), start[0])
    np.testing.assert_array_equal(start[1], host(make_params(xp)[1]))


def test_lr_is_a_plain_attribute(xp):
    params = make_params(xp)
    opt = optim.SGD(params, lr=0.1)
    opt.lr = 0.0
    before = [host(p).copy() for p in params]
    run(opt, xp, make_grads(1))
    for p, b in zip(params, before):
        np.testing.assert_array_equal(host(p), b)
    opt.lr = 0.5
    grads = make_grads(1, seed=5)
    run(opt, xp, grads)
    np.testing.assert_allclose(host(params[0]), before[0] - 0.5 * grads[0][0], rtol=1e-12)


def test_zero_grad(xp):
    params = make_params(xp)
    opt = optim.Adam(params)
    for p in params:
        p.grad = Tensor(xp.ones(p.shape))
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_a_real_training_step_decreases_the_loss(xp):
    minigan.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    x = Tensor(xp.asarray(np.random.default_rng(0).standard_normal((16, 3)), dtype="float32"))
    opt = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = ((model(x) - 1.0) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


# ---------------------------------------------------------------- float32 stays float32

@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
    lambda ps: optim.Adam(ps, lr=2e-4, betas=(0.5, 0.999), weight_decay=1e-3),
])
def test_float32_parameters_and_state_stay_float32(xp, make):
    params = make_params(xp, dtype="float32")
    opt = make(params)
    run(opt, xp, make_grads(2))
    opt.lr = np.float64(opt.lr)  # even a NumPy float64 learning rate must not promote
    run(opt, xp, make_grads(1))
    opt.load_state_dict(save_and_load_npz(opt.state_dict()))  # settings come back as float64 0-d arrays
    run(opt, xp, make_grads(1))
    assert all(p.dtype == np.float32 for p in params)
    arrays = [v for v in opt.state_dict().values() if hasattr(v, "dtype")]
    assert arrays and all(a.dtype == np.float32 for a in arrays)


# ---------------------------------------------------------------- saving and restoring

def save_and_load_npz(state):
    """The state through an .npz file, without pickle, as a checkpoint would store it."""
    buffer = io.BytesIO()
    np.savez(buffer, **{k: minigan.to_numpy(v) for k, v in state.items()})
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as f:
        return dict(f)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01),
    lambda ps: optim.Adam(ps, lr=0.01, betas=(0.5, 0.99), eps=1e-6, weight_decay=0.01),
])
def test_state_dict_round_trip_continues_identically(xp, make):
    params = make_params(xp)
    opt = make(params)
    run(opt, xp, make_grads(3))
    state = opt.state_dict()
    assert all(isinstance(v, (int, float)) or hasattr(v, "shape") for v in state.values())
    copies = [nn.Parameter(p.data.copy()) for p in params]
    restored = type(opt)(copies, lr=1.0)  # other settings: the state brings its own
    restored.load_state_dict(save_and_load_npz(state))
    assert restored.lr == opt.lr and type(restored.lr) is float
    later = make_grads(2, seed=9)
    run(opt, xp, later)
    run(restored, xp, later)
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(host(p), host(q))


def test_state_dict_arrays_are_copies(xp):
    params = make_params(xp)
    opt = optim.Adam(params)
    run(opt, xp, make_grads(1))
    opt.state_dict()["0.exp_avg"][...] = 0
    assert minigan.to_numpy(opt.state[0]["exp_avg"]).any()


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: optim.Adam(ps),
])
def test_load_state_dict_keeps_its_own_copies(xp, make):
    opt = make(make_params(xp))
    run(opt, xp, make_grads(1))
    state = opt.state_dict()
    before = {k: minigan.to_numpy(v).copy() for k, v in state.items() if hasattr(v, "shape")}
    restored = make(make_params(xp))
    restored.load_state_dict(state)
    run(restored, xp, make_grads(2, seed=3))  # updates its state in place
    for key, value in before.items():
        np.testing.assert_array_equal(minigan.to_numpy(state[key]), value, err_msg=key)


def test_load_state_dict_reports_mismatches(xp):
    opt = optim.Adam(make_params(xp))
    run(opt, xp, make_grads(1))
    state = opt.state_dict()
    with pytest.raises(ValueError, match="Adam: .*holds 2 parameters, this optimizer 1"):
        optim.Adam(make_params(xp)[:1]).load_state_dict(state)
    bad = dict(state, **{"0.exp_avg": np.zeros((2, 3))})
    del bad["eps"]
    bad["5.exp_avg"] = np.zeros(1)
    with pytest.raises(ValueError) as info:
        optim.Adam(make_params(xp)).load_state_dict(bad)
    message = str(info.value)
    assert "missing 'eps'" in message
    assert "'0.exp_avg' has shape (2, 3), its parameter (3, 2)" in message
    assert "unexpected entry '5.exp_avg'" in message
    partial = dict(state)
    del partial["1.exp_avg_sq"]
    with pytest.raises(ValueError, match=r"parameter 1 has only \['exp_avg', 'step'\] of"):
        optim.Adam(make_params(xp)).load_state_dict(partial)
    with pytest.raises(ValueError, match="unexpected entry '0.exp_avg'"):
        optim.SGD(make_params(xp), lr=0.1).load_state_dict(state)  # Adam's state is not SGD's


# ---------------------------------------------------------------- arguments

@pytest.mark.parametrize("make, message", [
    (lambda ps: optim.SGD(ps, lr=-0.1), "SGD: lr must be >= 0"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "SGD: momentum must be >= 0"),
    (lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1), "SGD: weight_decay must be >= 0"),
    (lambda ps: optim.SGD(ps, lr="fast"), "SGD: lr must be a number"),
    (lambda ps: optim.Adam(ps, lr=-1e-3), "Adam: lr must be >= 0"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), r"Adam: betas\[0\] must be \[0.0, 1.0\)"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), r"Adam: betas\[1\] must be \[0.0, 1.0\)"),
    (lambda ps: optim.Adam(ps, betas=0.9), "Adam: betas must be a pair"),
    (lambda ps: optim.Adam(ps, eps=-1e-8), "Adam: eps must be >= 0"),
    (lambda ps: optim.Adam(ps, weight_decay=-1), "Adam: weight_decay must be >= 0"),
    (lambda ps: optim.Adam([]), "Adam got an empty parameter list"),
    (lambda ps: optim.Adam(ps + ps[:1]), "appears more than once"),
])
def test_bad_arguments_are_value_errors(xp, make, message):
    with pytest.raises(ValueError, match=message):
        make(make_params(xp))


def test_params_must_be_tensors(xp):
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(make_params(xp)[0], lr=0.1)
    with pytest.raises(TypeError, match="parameter 0 is a ndarray"):
        optim.SGD([np.zeros(2)], lr=0.1)


# ---------------------------------------------------------------- PyTorch itself, where installed

def test_against_torch(xp):
    torch = pytest.importorskip("torch")
    grads = make_grads(5)
    for ours, theirs in [
        (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
         lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01)),
        (lambda ps: optim.Adam(ps, lr=0.01, betas=(0.5, 0.99), weight_decay=0.01),
         lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.5, 0.99), weight_decay=0.01)),
    ]:
        params = make_params(xp)
        tparams = [torch.tensor(host(p), requires_grad=True) for p in params]
        run(ours(params), xp, grads)
        topt = theirs(tparams)
        for step_grads in grads:
            for p, g in zip(tparams, step_grads):
                p.grad = torch.tensor(g)
            topt.step()
        for p, q in zip(params, tparams):
            np.testing.assert_allclose(host(p), q.detach().numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("make, message", [
    (lambda ps: optim.Adam(ps, lr=float("inf")), "Adam: lr must be >= 0.0 and finite, got inf"),
    (lambda ps: optim.Adam(ps, lr=float("nan")), "Adam: lr must be >= 0.0 and finite, got nan"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=float("inf")), "SGD: momentum must be >= 0.0 and finite"),
])
def test_infinite_and_nan_settings_are_refused(xp, make, message):
    with pytest.raises(ValueError, match=message):
        make(make_params(xp))


@pytest.mark.parametrize("entry, value, message", [
    ("lr", -1.0, "lr must be >= 0.0 and finite, got -1.0"),
    ("lr", float("inf"), "lr must be >= 0.0 and finite, got inf"),
    ("beta1", 7.0, r"beta1 must be \[0.0, 1.0\), got 7.0"),
    ("eps", "tiny", "eps must be a number, got 'tiny'"),
    ("0.step", -1, "'0.step' must be an integer >= 0, got -1"),
    ("0.step", 2.5, "'0.step' must be an integer >= 0, got 2.5"),
    ("num_params", None, "num_params must be an integer >= 0, got None"),
    ("0.exp_avg", np.array([[None] * 2] * 3, dtype=object), "'0.exp_avg' holds object values, not numbers"),
])
def test_a_saved_state_out_of_range_is_refused_and_changes_nothing(xp, entry, value, message):
    opt = optim.Adam(make_params(xp), lr=0.01)
    run(opt, xp, make_grads(1))
    state = opt.state_dict()
    before = (opt.lr, opt.beta1, dict(opt.state[0]))
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict({**state, entry: value})
    assert (opt.lr, opt.beta1, dict(opt.state[0])) == before
