"""The GAN family's layers (Embedding, ELU, Softmax, Upsample, InstanceNorm2d, ReflectionPad2d,
AvgPool2d, Identity, ModuleList), a model with two heads, and spectral normalisation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigan
from minigan import nn
from minigan.nn import functional as F
from tests.helpers import floats64, tensor


def host(t):
    """A Tensor's (or array's) values as a NumPy array."""
    return minigan.to_numpy(t.data if isinstance(t, minigan.Tensor) else t)


@pytest.mark.parametrize("make, shapes, text", [
    (lambda: nn.Embedding(10, 4), {"weight": (10, 4)}, "Embedding(10, 4)"),
    (lambda: nn.InstanceNorm2d(3), {}, "InstanceNorm2d(3, eps=1e-05, affine=False)"),
    (lambda: nn.InstanceNorm2d(3, affine=True), {"weight": (3,), "bias": (3,)},
     "InstanceNorm2d(3, eps=1e-05, affine=True)"),
    (lambda: nn.ELU(), {}, "ELU(alpha=1.0)"),
    (lambda: nn.Softmax(dim=1), {}, "Softmax(dim=1)"),
    (lambda: nn.Upsample(scale_factor=2), {}, "Upsample(scale_factor=2, mode='nearest')"),
    (lambda: nn.ReflectionPad2d(1), {}, "ReflectionPad2d((1, 1, 1, 1))"),
    (lambda: nn.AvgPool2d(2), {}, "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.Identity(54, unused="argument"), {}, "Identity()"),
])
def test_parameters_and_repr_follow_pytorch(xp, make, shapes, text):
    layer = make()
    assert {name: p.shape for name, p in layer.named_parameters()} == shapes
    assert repr(layer) == text


def test_embedding_initialisation_and_lookup(xp):
    minigan.manual_seed(0)
    layer = nn.Embedding(500, 200)
    w = host(layer.weight)
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01  # N(0, 1), as PyTorch
    labels = xp.asarray([3, 3, 7])
    y = layer(labels)
    np.testing.assert_array_equal(host(y), w[[3, 3, 7]])
    y.sum().backward()
    grad = host(layer.weight.grad)
    np.testing.assert_array_equal(grad[3], 2)  # a row used twice gets both gradients
    assert grad.sum() == 3 * 200


@given(data=st.data())
def test_layers_compute_their_functions(xp, data):
    a = data.draw(floats64((2, 3, 4, 4)))
    x = tensor(xp, a, requires_grad=False)
    np.testing.assert_array_equal(host(nn.ELU(0.5)(x)), host(F.elu(x, 0.5)))
    np.testing.assert_array_equal(host(nn.Softmax(-1)(x)), host(F.softmax(x, -1)))
    np.testing.assert_array_equal(host(nn.ReflectionPad2d((1, 2, 0, 3))(x)), host(F.pad(x, (1, 2, 0, 3), "reflect")))
    np.testing.assert_array_equal(host(nn.AvgPool2d(3, 1, 1)(x)), host(F.avg_pool2d(x, 3, 1, 1)))
    np.testing.assert_array_equal(host(nn.InstanceNorm2d(3, dtype="float64")(x)), host(F.instance_norm(x)))
    assert nn.Identity()(x) is x


def test_instance_norm_is_the_same_in_both_modes(xp):
    layer = nn.InstanceNorm2d(2, affine=True)
    x = minigan.randn(3, 2, 4, 4)
    np.testing.assert_array_equal(host(layer.train()(x)), host(layer.eval()(x)))
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_module_list_registers_its_modules(xp):
    heads = nn.ModuleList([nn.Linear(4, 1), nn.Linear(4, 3)])
    heads.append(nn.Linear(4, 2)).extend([nn.ReLU()])
    assert len(heads) == 4 and isinstance(heads[-1], nn.ReLU) and isinstance(heads[1:3], nn.ModuleList)
    assert [name for name, _ in heads.named_parameters()] == [
        "0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]
    assert [type(m) for m in heads] == [nn.Linear, nn.Linear, nn.Linear, nn.ReLU]
    with pytest.raises(TypeError, match="ModuleList: argument 4 is a list, not a Module"):
        heads.append([nn.ReLU()])
    with pytest.raises(IndexError, match="index 4 is out of range for a ModuleList of 4 modules"):
        heads[4]


class TwoHeaded(nn.Module):
    """A discriminator body shared by a real/fake head and a class head, as ACGAN's."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(5, 8), nn.LeakyReLU(0.2), nn.Dropout(0.3))
        self.adv = nn.Linear(8, 1)
        self.aux = nn.Linear(8, 3)
        self.spare = nn.ModuleList([nn.Identity()])

    def forward(self, x):
        h = self.body(x)
        return self.adv(h), self.aux(h)


def test_a_model_with_two_heads_names_its_parameters_as_pytorch(xp):
    model = TwoHeaded()
    assert [name for name, _ in model.named_parameters()] == [
        "body.0.weight", "body.0.bias", "adv.weight", "adv.bias", "aux.weight", "aux.bias"]
    logit, classes = model(minigan.randn(6, 5))
    loss = F.binary_cross_entropy_with_logits(logit, 1.0) + F.cross_entropy(classes, xp.asarray([0, 1, 2, 0, 1, 2]))
    loss.backward()
    body = host(model.body[0].weight.grad)
    assert body.shape == (8, 5) and np.abs(body).sum() > 0  # both heads' gradients reach the shared body
    model.zero_grad()
    model.aux(model.body(minigan.randn(6, 5))).sum().backward()
    assert model.adv.weight.grad is None and model.body[0].weight.grad is not None


# ---------------------------------------------------------------- spectral normalisation

def as_matrix(w, dim):
    """W viewed as the matrix (h, w) that spectral_norm normalises: ``dim`` first, the rest flattened."""
    return np.moveaxis(w, dim, 0).reshape(w.shape[dim], -1)


@pytest.mark.parametrize("make, dim", [
    (lambda: nn.Linear(6, 4, dtype="float64"), 0),
    (lambda: nn.Conv2d(3, 5, 3, dtype="float64"), 0),
    (lambda: nn.ConvTranspose2d(3, 5, 3, dtype="float64"), 1),  # PyTorch's dim for transposed layers
])
def test_spectral_norm_converges_to_unit_sigma(xp, make, dim):
    layer = nn.utils.spectral_norm(make())
    W = layer.weight_orig
    h = W.shape[dim]
    assert layer.weight_u.shape == (h,) and layer.weight_v.shape == (W.size // h,)
    assert list(layer.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]  # PyTorch's keys
    assert [name for name, _ in layer.named_parameters()] == ["bias", "weight_orig"]
    # singular values 3, 1.5, 0.75, ...: each power-iteration step shrinks the error by (1.5 / 3)^2
    rng = np.random.default_rng(0)
    m, n = as_matrix(host(W), dim).shape
    left, right = np.linalg.qr(rng.standard_normal((m, m)))[0], np.linalg.qr(rng.standard_normal((n, n)))[0]
    k = min(m, n)
    matrix = left[:, :k] @ np.diag(3 * 0.5 ** np.arange(k)) @ right[:, :k].T
    W.data[...] = xp.asarray(np.moveaxis(matrix.reshape((h,) + np.moveaxis(host(W), dim, 0).shape[1:]), 0, dim))
    x = minigan.randn(*((2, 6) if isinstance(layer, nn.Linear) else (2, 3, 5, 5)), dtype="float64")
    for _ in range(30):  # one power-iteration step per training forward
        layer(x)
    u, v = host(layer.weight_u), host(layer.weight_v)
    np.testing.assert_allclose(host(layer.weight), host(W) / (u @ matrix @ v), rtol=1e-12)  # W / (u^T W v)
    np.testing.assert_allclose(np.linalg.svd(as_matrix(host(layer.weight), dim), compute_uv=False)[0], 1.0, rtol=1e-10)


def test_spectral_norm_evaluation_mode_keeps_u(xp):
    layer = nn.utils.spectral_norm(nn.Linear(4, 3))
    u = host(layer.weight_u).copy()
    layer.eval()(minigan.randn(2, 4))
    np.testing.assert_array_equal(host(layer.weight_u), u)
    layer.train()(minigan.randn(2, 4))
    assert not np.array_equal(host(layer.weight_u), u)


@given(n_power_iterations=st.integers(1, 3), data=st.data())
def test_spectral_norm_gradient_flows_through_sigma(xp, n_power_iterations, data):
    layer = nn.utils.spectral_norm(nn.Linear(3, 2, dtype="float64"), n_power_iterations=n_power_iterations)
    layer(minigan.randn(1, 3, dtype="float64"))  # settle u and v
    layer.eval()  # u and v constant from here, as they are within one step
    x = tensor(xp, data.draw(floats64((4, 3))))
    forward = lambda x, W: layer(x)  # noqa: E731 (W is the layer's weight_orig, perturbed in place)
    minigan.gradcheck(forward, [x, layer.weight_orig])
    minigan.gradgradcheck(forward, [x, layer.weight_orig])


def test_spectral_norm_errors_are_named(xp):
    with pytest.raises(ValueError, match="spectral_norm: ReLU has no parameter 'weight'"):
        nn.utils.spectral_norm(nn.ReLU())
    with pytest.raises(ValueError, match="n_power_iterations must be a positive int"):
        nn.utils.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
