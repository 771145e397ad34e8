"""Layers and ``Module``: registration, shapes, default initialisation, modes, forward values
against independent references, gradients against finite differences, saving and loading,
and the errors for bad input."""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan import Tensor, nn
from tests.helpers import away_from_zero, floats64, tensor


def host(t):
    """A Tensor's (or array's) values as a NumPy array."""
    return minigan.to_numpy(t.data if isinstance(t, Tensor) else t)


def params_of(layer):
    """{name: NumPy copy} of a layer's parameters."""
    return {name: host(p) for name, p in layer.named_parameters()}


# ---------------------------------------------------------------- parameter shapes

SHAPES = [
    (lambda: nn.Linear(5, 3), {"weight": (3, 5), "bias": (3,)}),
    (lambda: nn.Linear(5, 3, bias=False), {"weight": (3, 5)}),
    (lambda: nn.Conv2d(3, 8, 4), {"weight": (8, 3, 4, 4), "bias": (8,)}),
    (lambda: nn.Conv2d(3, 8, (3, 5), bias=False), {"weight": (8, 3, 3, 5)}),
    (lambda: nn.ConvTranspose2d(3, 8, 4), {"weight": (3, 8, 4, 4), "bias": (8,)}),
    (lambda: nn.BatchNorm1d(6), {"weight": (6,), "bias": (6,)}),
    (lambda: nn.BatchNorm2d(6, affine=False), {}),
    (lambda: nn.LeakyReLU(0.2), {}),
]


@pytest.mark.parametrize("make, shapes", SHAPES)
def test_parameter_shapes_follow_pytorch(xp, make, shapes):
    layer = make()
    assert {name: p.shape for name, p in layer.named_parameters()} == shapes
    for p in layer.parameters():
        assert isinstance(p, nn.Parameter) and p.requires_grad and p.dtype == np.float32
        assert minigan.get_array_module(p.data) is xp


def test_dtype_argument_makes_float64_parameters_and_buffers(xp):
    for layer in (nn.Linear(2, 3, dtype="float64"), nn.Conv2d(1, 2, 3, dtype="float64"),
                  nn.ConvTranspose2d(1, 2, 3, dtype="float64"), nn.BatchNorm2d(2, dtype="float64")):
        assert all(p.dtype == np.float64 for p in layer.parameters())
        assert all(b.dtype == np.float64 for b in layer.buffers())


def test_only_float32_and_float64_layers(xp):
    with pytest.raises(TypeError, match="Linear: dtype must be float32 or float64"):
        nn.Linear(2, 3, dtype="int32")


# ---------------------------------------------------------------- default initialisation

@pytest.mark.parametrize("make, fan_in", [
    (lambda: nn.Linear(256, 300), 256),
    (lambda: nn.Conv2d(16, 40, 3), 16 * 9),
    (lambda: nn.ConvTranspose2d(40, 16, 4), 16 * 16),  # PyTorch: weight.shape[1] * kh * kw
])
def test_default_init_is_uniform_with_bound_one_over_sqrt_fan_in(xp, make, fan_in):
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    w, b = host(layer.weight), host(layer.bias)
    for a in (w, b):
        assert a.min() >= -bound and a.max() <= bound
    assert w.min() < -0.95 * bound and w.max() > 0.95 * bound  # the whole interval is used
    assert abs(w.mean()) < 0.02 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)  # std of U(-k, k) is k / sqrt(3)


def test_batchnorm_init(xp):
    bn = nn.BatchNorm2d(4)
    np.testing.assert_array_equal(host(bn.weight), np.ones(4))
    np.testing.assert_array_equal(host(bn.bias), np.zeros(4))
    np.testing.assert_array_equal(host(bn.running_mean), np.zeros(4))
    np.testing.assert_array_equal(host(bn.running_var), np.ones(4))
    assert bn.running_mean.dtype == np.float32 and not isinstance(bn.running_mean, Tensor)
    assert bn.weight.data.dtype == np.float32


def make_mlp():
    """A small model with every kind of weight layer."""
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Conv2d(2, 3, 2), nn.ConvTranspose2d(3, 2, 2))


def test_same_seed_same_init_other_seed_other_init(xp):
    minigan.manual_seed(7)
    a = params_of(make_mlp())
    minigan.manual_seed(7)
    b = params_of(make_mlp())
    minigan.manual_seed(8)
    c = params_of(make_mlp())
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
        assert not np.array_equal(a[name], c[name])


# ---------------------------------------------------------------- registration and traversal

class Net(nn.Module):
    """A model with parameters, a buffer and nested children, for the traversal tests."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(minigan.ones(1).data)
        self.body = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh())
        self.head = nn.Linear(4, 2)
        self.register_buffer("count", minigan.zeros(1).data)

    def forward(self, x):
        return self.head(self.body(x)) * self.scale


def test_named_parameters_buffers_children_modules(xp):
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "scale", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "head.weight", "head.bias"]
    assert [n for n, _ in net.named_buffers()] == ["count", "body.1.running_mean", "body.1.running_var"]
    assert list(net.children()) == [net.body, net.head]
    assert [type(m).__name__ for m in net.modules()] == [
        "Net", "Sequential", "Linear", "BatchNorm1d", "Tanh", "Linear"]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert len(list(net.parameters())) == 7


def test_shared_parameter_listed_once(xp):
    a = nn.Linear(3, 3)
    model = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(model.parameters())) == 2


def test_attribute_rules(xp):
    net = Net()
    with pytest.raises(TypeError, match="parameter 'scale' of Net"):
        net.scale = Tensor([1.0])  # a plain Tensor cannot silently replace a Parameter
    with pytest.raises(TypeError, match="sub-module 'head'"):
        net.head = 3
    with pytest.raises(TypeError, match="buffer 'count' must be a raw"):
        net.count = Tensor([1.0])
    net.head = None  # removing a child is allowed
    assert "head.weight" not in dict(net.named_parameters())
    del net.scale
    with pytest.raises(AttributeError, match="no attribute 'scale'"):
        net.scale


def test_missing_super_init_is_explained(xp):
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\)"):
        Broken()


def test_parameter_wraps_arrays_and_tensors(xp):
    p = nn.Parameter(xp.zeros((2, 3)))
    q = nn.Parameter(Tensor(xp.zeros(2, dtype="float32")))
    assert p.requires_grad and p.shape == (2, 3) and p.dtype == np.float64
    assert q.dtype == np.float32 and repr(q).startswith("Parameter containing:\ntensor(")


# ---------------------------------------------------------------- modes and gradients

def test_train_eval_propagate_and_return_self(xp):
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    assert net.train(False) is net and not net.body[1].training
    with pytest.raises(TypeError, match="expects a bool"):
        net.train("no")


def test_zero_grad_sets_grads_to_none(xp):
    model = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid())
    model(tensor(xp, np.ones((4, 3), np.float32), requires_grad=False)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


# ---------------------------------------------------------------- Sequential

def test_sequential_forward_is_the_composition(xp):
    model = nn.Sequential(nn.Linear(3, 5), nn.LeakyReLU(0.2), nn.Linear(5, 2), nn.Sigmoid())
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    W0, b0, W1, b1 = (host(p) for p in model.parameters())
    h = x @ W0.T + b0
    h = np.where(h > 0, h, 0.2 * h)
    expected = 1 / (1 + np.exp(-(h @ W1.T + b1)))
    y = model(tensor(xp, x, requires_grad=False))
    assert y.dtype == np.float32
    np.testing.assert_allclose(host(y), expected, rtol=1e-5, atol=1e-6)


def test_sequential_indexing_len_iteration(xp):
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    part = model[1:]
    assert isinstance(part, nn.Sequential) and list(part) == layers[1:]
    with pytest.raises(IndexError, match="out of range"):
        model[3]
    with pytest.raises(TypeError, match="argument 1 is a int"):
        nn.Sequential(nn.ReLU(), 3)


def test_repr_like_pytorch(xp):
    model = nn.Sequential(
        nn.ConvTranspose2d(100, 64, 4, 1, 0, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 3, 4, 2, 1, output_padding=1), nn.Tanh(),
        nn.Sequential(nn.Flatten(), nn.Linear(3, 1), nn.Unflatten(1, (1, 1))),
    )
    assert repr(model) == """Sequential(
  (0): ConvTranspose2d(100, 64, kernel_size=(4, 4), stride=(1, 1), bias=False)
  (1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True)
  (2): ReLU()
  (3): ConvTranspose2d(64, 3, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
  (4): Tanh()
  (5): Sequential(
    (0): Flatten(start_dim=1, end_dim=-1)
    (1): Linear(in_features=3, out_features=1, bias=True)
    (2): Unflatten(dim=1, unflattened_size=(1, 1))
  )
)"""
    assert repr(nn.Conv2d(3, 8, 3, padding=1)) == (
        "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))")


# ---------------------------------------------------------------- forward values vs references

def conv_reference(x, W, b, stride, padding):
    """y[n, o, i, j] = b[o] + sum_{c, u, v} x_pad[n, c, i*S + u, j*S + v] W[o, c, u, v], by loops."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, Wd = x.shape
    O, _, K, _ = W.shape
    OH, OW = (H - K) // stride + 1, (Wd - K) // stride + 1
    y = np.zeros((N, O, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * stride:i * stride + K, j * stride:j * stride + K]
            y[:, :, i, j] = np.einsum("nchw,ochw->no", window, W) + b
    return y


def conv_transpose_reference(x, W, b, stride, padding, output_padding):
    """Each x[n, c, i, j] adds x * W[c, :, :, :] at (i*S, j*S) of a padded output, then crop."""
    N, C, H, Wd = x.shape
    _, O, K, _ = W.shape
    full = np.zeros((N, O, (H - 1) * stride + K + output_padding, (Wd - 1) * stride + K + output_padding))
    for i in range(H):
        for j in range(Wd):
            full[:, :, i * stride:i * stride + K, j * stride:j * stride + K] += np.einsum(
                "nc,cohw->nohw", x[:, :, i, j], W)
    y = full[:, :, padding:full.shape[2] - padding, padding:full.shape[3] - padding]
    return y + b.reshape(1, -1, 1, 1)


def test_linear_forward_with_leading_dims(xp):
    layer = nn.Linear(3, 2, dtype="float64")
    x = np.random.default_rng(1).standard_normal((2, 4, 3))
    expected = x @ host(layer.weight).T + host(layer.bias)
    np.testing.assert_allclose(host(layer(tensor(xp, x))), expected, rtol=1e-12)


def test_conv2d_forward_passes_stride_and_padding(xp):
    layer = nn.Conv2d(2, 3, 3, stride=2, padding=1, dtype="float64")
    x = np.random.default_rng(2).standard_normal((2, 2, 5, 6))
    y = layer(tensor(xp, x))
    expected = conv_reference(x, host(layer.weight), host(layer.bias), 2, 1)
    assert y.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(host(y), expected, rtol=1e-10, atol=1e-12)


def test_conv_transpose2d_forward_passes_stride_padding_output_padding(xp):
    layer = nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1, output_padding=1, dtype="float64")
    x = np.random.default_rng(3).standard_normal((2, 3, 3, 3))
    y = layer(tensor(xp, x))
    expected = conv_transpose_reference(x, host(layer.weight), host(layer.bias), 2, 1, 1)
    assert y.shape == (2, 2, 7, 7)
    np.testing.assert_allclose(host(y), expected, rtol=1e-10, atol=1e-12)


def test_batchnorm_train_then_eval(xp):
    bn = nn.BatchNorm2d(3, momentum=0.25, dtype="float64")
    bn.weight.data[...] = xp.asarray([1.0, 2.0, -1.0])
    bn.bias.data[...] = xp.asarray([0.0, 0.5, 1.0])
    x = np.random.default_rng(4).standard_normal((4, 3, 2, 2)) * 3 + 1
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    gamma, beta = np.array([1.0, 2.0, -1.0]), np.array([0.0, 0.5, 1.0])

    def normalized(x, mean, var):  # the definition, per channel
        c = lambda a: a.reshape(1, 3, 1, 1)  # noqa: E731
        return c(gamma) * (x - c(mean)) / np.sqrt(c(var) + 1e-5) + c(beta)

    np.testing.assert_allclose(host(bn(tensor(xp, x))), normalized(x, mean, var), rtol=1e-10, atol=1e-12)
    # PyTorch's running averages: the unbiased variance, weighted by momentum
    running_mean, running_var = 0.25 * mean, 0.75 + 0.25 * var * 16 / 15
    np.testing.assert_allclose(host(bn.running_mean), running_mean, rtol=1e-12)
    np.testing.assert_allclose(host(bn.running_var), running_var, rtol=1e-12)
    bn.eval()
    x2 = np.random.default_rng(5).standard_normal((1, 3, 2, 2))
    expected = normalized(x2, running_mean, running_var)
    np.testing.assert_allclose(host(bn(tensor(xp, x2))), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(host(bn.running_mean), running_mean, rtol=1e-12)  # eval does not update


def test_flatten_unflatten(xp):
    x = tensor(xp, np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5))
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    y = nn.Unflatten(1, (3, 4, 5))(nn.Flatten()(x))
    np.testing.assert_array_equal(host(y), host(x))


# ---------------------------------------------------------------- gradients (float64)

def check_layer(layer, x):
    """gradcheck of ``layer`` with respect to its input and every parameter."""
    params = list(layer.parameters())
    assert minigan.gradcheck(lambda x, *ps: layer(x), [x, *params])


@given(x=floats64((3, 4)))
def test_linear_gradients(xp, x):
    check_layer(nn.Linear(4, 2, dtype="float64"), tensor(xp, x))


@given(x=floats64((2, 2, 4, 5)))
def test_conv2d_gradients(xp, x):
    check_layer(nn.Conv2d(2, 3, 3, stride=2, padding=1, dtype="float64"), tensor(xp, x))


@given(x=floats64((2, 2, 3, 2)))
def test_conv_transpose2d_gradients(xp, x):
    check_layer(nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1, dtype="float64"),
                tensor(xp, x))


@given(x=floats64((4, 3, 2)), training=st.booleans())
def test_batchnorm1d_gradients(xp, x, training):
    bn = nn.BatchNorm1d(3, dtype="float64").train(training)
    bn.running_var[...] = xp.asarray([0.5, 1.0, 2.0])
    x[0, :, 0] += 3.0  # a spread that stays clear of the eps floor in every channel
    check_layer(bn, tensor(xp, x))


@given(x=floats64((3, 2, 2, 2)))
def test_batchnorm2d_gradients(xp, x):
    x[0, :, 0, 0] += 3.0
    check_layer(nn.BatchNorm2d(2, dtype="float64"), tensor(xp, x))


@pytest.mark.parametrize("make", [nn.ReLU, lambda: nn.LeakyReLU(0.2), nn.Tanh, nn.Sigmoid,
                                  nn.Flatten, lambda: nn.Unflatten(1, (2, 3))])
@given(x=floats64((2, 6)))
def test_parameter_free_layer_gradients(xp, make, x):
    check_layer(make(), tensor(xp, away_from_zero(x)))  # away from the ReLU kink at 0


# ---------------------------------------------------------------- saving and loading

def test_state_dict_order_copies_and_round_trip(xp):
    minigan.manual_seed(1)
    a = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.LeakyReLU(0.2))
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4)).astype(np.float32)
    a(tensor(xp, x))  # moves the running statistics away from their initial values
    state = a.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"]
    state["0.weight"][...] = 0  # a copy: the model is untouched
    assert host(a[0].weight).any()
    state = a.state_dict()
    minigan.manual_seed(2)
    b = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.LeakyReLU(0.2))
    weight_before = b[0].weight
    assert b.load_state_dict(state) == ([], [])
    assert b[0].weight is weight_before  # loaded in place: optimizers keep their parameters
    for name, value in b.state_dict().items():
        np.testing.assert_array_equal(host(value), host(state[name]))
    x = tensor(xp, np.random.default_rng(1).standard_normal((1, 1, 4, 4)).astype(np.float32))
    np.testing.assert_array_equal(host(a.eval()(x)), host(b.eval()(x)))


def test_load_state_dict_from_numpy_arrays_casts_to_the_model(xp):
    model = nn.Linear(2, 2)
    state = {name: np.full(a.shape, 0.5, dtype=np.float64) for name, a in model.state_dict().items()}
    model.load_state_dict(state)
    assert model.weight.dtype == np.float32 and minigan.get_array_module(model.weight.data) is xp
    np.testing.assert_array_equal(host(model.weight), np.full((2, 2), 0.5))


def test_load_state_dict_reports_every_problem_at_once(xp):
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    state = model.state_dict()
    del state["0.bias"], state["1.running_var"]
    state["0.weight"] = np.zeros((2, 3), np.float32)
    state["2.weight"] = np.zeros(1, np.float32)
    before = host(model[1].weight).copy()
    state["1.weight"] = np.full(3, 7.0, np.float32)
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "Sequential" in message
    assert re.search(r"missing keys: '0\.bias', '1\.running_var'", message)
    assert "unexpected keys: '2.weight'" in message
    assert "'0.weight': expected (3, 2), received (2, 3)" in message
    np.testing.assert_array_equal(host(model[1].weight), before)  # nothing copied on error


def test_load_state_dict_not_strict(xp):
    model = nn.Linear(2, 3)
    state = {"weight": np.ones((3, 2), np.float32), "extra": np.ones(1)}
    assert model.load_state_dict(state, strict=False) == (["bias"], ["extra"])
    np.testing.assert_array_equal(host(model.weight), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"'weight': expected \(3, 2\), received \(2, 2\)"):
        model.load_state_dict({"weight": np.ones((2, 2))}, strict=False)  # shapes are always checked


def test_to_casts_parameters_grads_and_buffers(xp):
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    model[0].weight.grad = Tensor(xp.ones((3, 2), dtype="float32"))
    assert model.to("float64") is model
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert all(b.dtype == np.float64 for b in model.buffers())
    assert model[0].weight.grad.dtype == np.float64
    assert model(tensor(xp, np.ones((4, 2)))).dtype == np.float64
    for bad in ("int64", "float16"):  # float16: the initialisers cannot draw in it
        with pytest.raises(TypeError, match="expects float32 or float64"):
            model.to(bad)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("layer, shape, expected", [
    (nn.Linear(4, 2), (3, 5), "(*, 4)"),
    (nn.Conv2d(3, 2, 3), (2, 4, 5, 5), "(N, 3, H, W)"),
    (nn.Conv2d(3, 2, 3), (3, 5, 5), "(N, 3, H, W)"),
    (nn.Conv2d(3, 2, 5), (1, 3, 4, 4), "(N, 3, H, W) with H + 2*padding"),
    (nn.ConvTranspose2d(3, 2, 3), (1, 2, 4, 4), "(N, 3, H, W)"),
    (nn.BatchNorm1d(3), (4, 2), "(N, 3) or (N, 3, L)"),
    (nn.BatchNorm2d(3), (4, 3, 2), "(N, 3, H, W)"),
    (nn.Unflatten(1, (2, 3)), (2, 5), "with dimension 1 of size 6"),
    (nn.Flatten(1, 3), (2, 5), "with dimensions 1 and 3"),
])
def test_wrong_input_shape_names_layer_expected_and_received(xp, layer, shape, expected):
    x = Tensor(xp.zeros(shape, dtype="float32"))
    with pytest.raises(ValueError) as info:
        layer(x)
    message = str(info.value)
    assert message.startswith(f"{layer!r} expects input of shape {expected}")
    assert message.endswith(f"received {shape}")


def test_batchnorm_needs_more_than_one_value_per_channel_in_training(xp):
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(Tensor(xp.zeros((1, 3), dtype="float32")))
    assert bn.eval()(Tensor(xp.zeros((1, 3), dtype="float32"))).shape == (1, 3)


@pytest.mark.parametrize("layer, shape", [
    (nn.Linear(4, 2), (3, 4)), (nn.Conv2d(1, 2, 3), (1, 1, 3, 3)),
    (nn.ConvTranspose2d(1, 2, 3), (1, 1, 2, 2)), (nn.BatchNorm2d(2, affine=False), (2, 2, 1, 1)),
])
def test_wrong_input_dtype_names_layer_both_dtypes_and_the_fix(xp, layer, shape):
    with pytest.raises(TypeError) as info:
        layer(Tensor(xp.zeros(shape)))  # float64 into a float32 layer
    message = str(info.value)
    assert message.startswith(repr(layer)) and "float32" in message and "float64" in message
    assert "model.to('float64')" in message


def test_non_tensor_input_is_a_type_error(xp):
    with pytest.raises(TypeError, match="expects a Tensor, got ndarray"):
        nn.Linear(2, 2)(np.zeros((1, 2), np.float32))


@pytest.mark.parametrize("make, message", [
    (lambda: nn.Linear(0, 2), "Linear: in_features must be a positive integer"),
    (lambda: nn.Conv2d(2, 3, 0), "Conv2d: kernel_size must be an int or a pair of ints >= 1"),
    (lambda: nn.Conv2d(2, 3, 3, padding=-1), "Conv2d: padding must be"),
    (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=2), "output_padding .* smaller than stride"),
    (lambda: nn.BatchNorm2d(3, momentum=1.5), r"momentum must be in \[0, 1\]"),
    (lambda: nn.BatchNorm2d(3, eps=0), "eps must be > 0"),
    (lambda: nn.Unflatten(1, (2, 0)), "unflattened_size must be positive ints"),
])
def test_bad_settings(xp, make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_numpy_integers_size_layers(xp):
    layer = nn.Linear(np.int64(3), np.prod((2, 2)))  # sizes computed with NumPy are ints too
    assert layer.weight.shape == (4, 3)


def test_load_state_dict_names_a_value_that_is_not_numbers_and_changes_nothing(xp):
    """None (an object array of them, or a JSON null from a checkpoint) would become NaN weights;
    the first weight must not be copied when the second is refused."""
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = [host(p).copy() for p in model.parameters()]
    state = {name: np.full(a.shape, 7.0) for name, a in model.state_dict().items()}
    for bad in (np.array([[None] * 3], dtype=object), None, np.array([["a", "b", "c"]])):
        with pytest.raises(ValueError, match=r"Sequential: not numbers: '1\.weight' holds"):
            model.load_state_dict({**state, "1.weight": bad})
        assert all(np.array_equal(host(p), b) for p, b in zip(model.parameters(), before))
    with pytest.raises(TypeError, match="expects a mapping from names to arrays, got list"):
        model.load_state_dict([1, 2])
    message = ""
    try:
        model.load_state_dict({"0.weight": np.zeros((9, 9))})
    except ValueError as err:
        message = str(err)
    assert "\n" not in message and "missing keys" in message and "wrong shapes" in message  # one line
