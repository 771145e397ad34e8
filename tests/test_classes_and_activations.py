"""softmax, log_softmax, cross_entropy, nll_loss, one_hot, embedding, l1_loss and elu: values against
NumPy, first and second derivatives against finite differences, stability, and errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import minigan
from minigan.nn import functional as F
from tests.helpers import away_from_zero, floats64, tensor

REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}


def np_log_softmax(a, dim):
    """log softmax in NumPy, the reference: a - log sum exp(a), shifted by the maximum."""
    shifted = a - a.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_softmax_and_log_softmax(xp, shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = data.draw(floats64(shape, -3.0, 3.0))
    x = tensor(xp, a)
    np.testing.assert_allclose(F.log_softmax(x, dim).numpy(), np_log_softmax(a, dim), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(F.softmax(x, dim).numpy(), np.exp(np_log_softmax(a, dim)), rtol=1e-12)
    for fn in (lambda t: F.softmax(t, dim), lambda t: F.log_softmax(t, dim)):
        minigan.gradcheck(fn, [x])
        minigan.gradgradcheck(fn, [x])


def test_softmax_family_is_exact_for_huge_logits(xp):
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]], dtype=np.float32)
    x = tensor(xp, z)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        log_p = F.log_softmax(x, 1)
        loss = F.cross_entropy(x, xp.asarray([1, 2]), reduction="sum")
        loss.backward()
    np.testing.assert_allclose(log_p.numpy(), [[0, -2000, -1000], [-np.log(3)] * 3], rtol=1e-6)
    np.testing.assert_allclose(loss.item(), 2000 + np.log(3), rtol=1e-6)
    # dL/dz = softmax(z) - onehot(target)
    np.testing.assert_allclose(x.grad.numpy(), [[1, -1, 0], [1 / 3, 1 / 3, -2 / 3]], rtol=1e-6, atol=1e-7)


@given(n=st.integers(1, 5), c=st.integers(1, 4), reduction=st.sampled_from(sorted(REDUCE)), data=st.data())
def test_cross_entropy_and_nll_loss(xp, n, c, reduction, data):
    z = data.draw(floats64((n, c), -3.0, 3.0))
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    expected = REDUCE[reduction](-np_log_softmax(z, 1)[np.arange(n), labels])
    x, target = tensor(xp, z), xp.asarray(labels)
    np.testing.assert_allclose(F.cross_entropy(x, target, reduction).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(F.nll_loss(x, minigan.Tensor(target), reduction).numpy(),
                               REDUCE[reduction](-z[np.arange(n), labels]), rtol=1e-12)
    for fn in (lambda t: F.cross_entropy(t, target, reduction), lambda t: F.nll_loss(t, target, reduction)):
        minigan.gradcheck(fn, [x])
        minigan.gradgradcheck(fn, [x])


@given(shape=array_shapes(min_dims=0, max_dims=2, max_side=4), c=st.integers(1, 5), data=st.data())
def test_one_hot(xp, shape, c, data):
    labels = data.draw(st.lists(st.integers(0, c - 1), min_size=int(np.prod(shape)),
                                max_size=int(np.prod(shape)))) or [0]
    labels = np.array(labels[:int(np.prod(shape))]).reshape(shape)
    y = F.one_hot(minigan.Tensor(xp.asarray(labels)), c)
    assert y.dtype == np.int64 and not y.requires_grad and y.shape == shape + (c,)
    np.testing.assert_array_equal(y.numpy(), np.eye(c, dtype=np.int64)[labels])
    if labels.size:
        assert F.one_hot(xp.asarray(labels)).shape[-1] == labels.max() + 1  # num_classes=-1: inferred


@given(rows=st.integers(1, 5), dim=st.integers(1, 3), shape=array_shapes(min_dims=1, max_dims=2, max_side=4),
       data=st.data())
def test_embedding_with_repeated_rows(xp, rows, dim, shape, data):
    w = data.draw(floats64((rows, dim)))
    index = np.array(data.draw(st.lists(st.integers(0, rows - 1), min_size=int(np.prod(shape)),
                                        max_size=int(np.prod(shape))))).reshape(shape)  # repeats allowed
    weight = tensor(xp, w)
    np.testing.assert_array_equal(F.embedding(xp.asarray(index), weight).numpy(), w[index])
    minigan.gradcheck(lambda t: F.embedding(xp.asarray(index), t), [weight])
    minigan.gradgradcheck(lambda t: F.embedding(xp.asarray(index), t), [weight])


@given(shape=st.sampled_from([(1,), (4,), (2, 3)]), reduction=st.sampled_from(sorted(REDUCE)), data=st.data())
def test_l1_loss_away_from_the_kink(xp, shape, reduction, data):
    b = data.draw(floats64(shape))
    a = b + away_from_zero(data.draw(floats64(shape)))  # |a - b| >= 0.1
    x, t = tensor(xp, a), tensor(xp, b)
    np.testing.assert_allclose(F.l1_loss(x, t, reduction).numpy(), REDUCE[reduction](np.abs(a - b)), rtol=1e-12)
    minigan.gradcheck(lambda u, v: F.l1_loss(u, v, reduction), [x, t])
    minigan.gradgradcheck(lambda u, v: F.l1_loss(u, v, reduction), [x, t])


@given(shape=array_shapes(max_dims=3, max_side=3), alpha=st.floats(0.1, 2.0), data=st.data())
def test_elu(xp, shape, alpha, data):
    a = away_from_zero(data.draw(floats64(shape)))
    x = tensor(xp, a)
    np.testing.assert_allclose(F.elu(x, alpha).numpy(), np.where(a > 0, a, alpha * np.expm1(a)), rtol=1e-12)
    minigan.gradcheck(lambda t: F.elu(t, alpha), [x])
    minigan.gradgradcheck(lambda t: F.elu(t, alpha), [x])


def test_elu_never_overflows(xp):
    x = tensor(xp, np.array([1000.0, -1000.0], dtype=np.float32))
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(F.elu(x).numpy(), [1000.0, -1.0])


def test_bad_class_arguments_are_named(xp):
    logits = tensor(xp, np.zeros((3, 4)))
    with pytest.raises(IndexError,
                       match=r"target class out of range: got values from 0 to 4, expected each in \[0, 3\]"):
        F.cross_entropy(logits, xp.asarray([0, 4, 1]))
    with pytest.raises(IndexError, match="out of range"):
        F.nll_loss(logits, xp.asarray([-1, 0, 1]))
    with pytest.raises(TypeError, match="target class must be an integer Tensor or array, got float64"):
        F.cross_entropy(logits, xp.asarray([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"target of shape \(2,\) does not fit input of shape \(3, 4\)"):
        F.cross_entropy(logits, xp.asarray([0, 1]))
    with pytest.raises(ValueError, match=r"cross_entropy expects input of shape \(N, C\), got \(12,\)"):
        F.cross_entropy(logits.reshape(-1), xp.asarray([0]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.nll_loss(logits, xp.asarray([0, 1, 2]), reduction="avg")
    with pytest.raises(IndexError,
                       match=r"embedding: index out of range: got values from 0 to 3, expected each in \[0, 2\]"):
        F.embedding(xp.asarray([0, 3]), tensor(xp, np.zeros((3, 2))))
    with pytest.raises(ValueError, match=r"weight must be a Tensor \(num_embeddings, embedding_dim\)"):
        F.embedding(xp.asarray([0]), tensor(xp, np.zeros(3)))
    with pytest.raises(IndexError, match="one_hot: class index out of range"):
        F.one_hot(xp.asarray([0, 5]), 3)
    with pytest.raises(TypeError, match="softmax needs dim"):
        F.softmax(logits, None)
    with pytest.raises(IndexError, match="log_softmax: dim 2 is out of range"):
        F.log_softmax(logits, 2)
