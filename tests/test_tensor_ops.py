"""cat, stack, split, chunk, where, maximum, minimum, clamp, abs, sqrt, max, min and logsumexp:
values against NumPy, first and second derivatives against finite differences, and errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import minigan
from minigan import Tensor
from tests.helpers import floats64, spaced, tensor


def check_both(fn, inputs):
    """First and second derivatives of ``fn`` at ``inputs`` against finite differences."""
    minigan.gradcheck(fn, inputs)
    minigan.gradgradcheck(fn, inputs)


def a_dim(ndim, extra=0):
    """A strategy for a dim of a tensor with ``ndim`` dimensions, negative ones included."""
    return st.integers(-(ndim + extra), ndim + extra - 1)


# ---------------------------------------------------------------- joining and splitting

@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=3),
       sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3), data=st.data())
def test_cat(xp, shape, sizes, data):
    dim = data.draw(a_dim(len(shape)))
    d = dim % len(shape)
    arrays = [data.draw(floats64(shape[:d] + (n,) + shape[d + 1:])) for n in sizes]
    inputs = [tensor(xp, a) for a in arrays]
    np.testing.assert_array_equal(minigan.cat(inputs, dim).numpy(), np.concatenate(arrays, axis=dim))
    check_both(lambda *ts: minigan.cat(list(ts), dim), inputs)


@given(shape=array_shapes(min_dims=0, max_dims=3, max_side=3), k=st.integers(1, 3), data=st.data())
def test_stack(xp, shape, k, data):
    dim = data.draw(a_dim(len(shape), extra=1))
    arrays = [data.draw(floats64(shape)) for _ in range(k)]
    inputs = [tensor(xp, a) for a in arrays]
    np.testing.assert_array_equal(minigan.stack(inputs, dim).numpy(), np.stack(arrays, axis=dim))
    check_both(lambda *ts: minigan.stack(ts, dim), inputs)


@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=5), data=st.data())
def test_split_by_size_and_by_sections(xp, shape, data):
    dim = data.draw(a_dim(len(shape)))
    n = shape[dim]
    a = data.draw(floats64(shape))
    x = tensor(xp, a)
    size = data.draw(st.integers(1, n + 1))
    pieces = x.split(size, dim)
    expected = np.split(a, range(size, n, size), axis=dim)
    assert len(pieces) == len(expected)
    for piece, want in zip(pieces, expected):
        np.testing.assert_array_equal(piece.numpy(), want)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]  # empty sections too
    assert [p.shape[dim] for p in minigan.split(x, sections, dim)] == sections
    check_both(lambda t: minigan.split(t, size, dim), [x])
    check_both(lambda t: minigan.split(t, sections, dim), [x])


@given(n=st.integers(1, 7), chunks=st.integers(1, 8), data=st.data())
def test_chunk_sizes_as_pytorch(xp, n, chunks, data):
    x = tensor(xp, data.draw(floats64((2, n))))
    pieces = x.chunk(chunks, -1)
    size = -(-n // chunks)  # PyTorch: pieces of ceil(n / chunks), the last one shorter
    assert [p.shape[1] for p in pieces] == [min(size, n - i) for i in range(0, n, size)]
    check_both(lambda t: minigan.chunk(t, chunks, 1), [x])


def test_split_pieces_used_together_sum_their_gradients(xp):
    x = tensor(xp, np.arange(6.0).reshape(2, 3))
    a, b = x.split([1, 2], dim=1)
    (a * 2).sum().backward()
    (b * b).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2, 2, 4], [2, 8, 10]])  # d(2a)/da, then d(b^2)/db = 2b


# ---------------------------------------------------------------- elementwise choices

@given(shapes=mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), data=st.data())
def test_where(xp, shapes, data):
    sc, s0, s1 = shapes.input_shapes
    condition = data.draw(st.lists(st.booleans(), min_size=int(np.prod(sc)), max_size=int(np.prod(sc))))
    condition = np.array(condition, dtype=bool).reshape(sc)
    a, b = data.draw(floats64(s0)), data.draw(floats64(s1))
    x0, x1 = tensor(xp, a), tensor(xp, b)
    np.testing.assert_array_equal(minigan.where(xp.asarray(condition), x0, x1).numpy(), np.where(condition, a, b))
    check_both(lambda u, v: minigan.where(Tensor(xp.asarray(condition)), u, v), [x0, x1])
    check_both(lambda u: u.where(xp.asarray(condition), 0.5), [x0])  # a number as the other side


@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), data=st.data())
def test_maximum_and_minimum_away_from_ties(xp, shapes, data):
    s0, s1 = shapes.input_shapes
    n0 = int(np.prod(s0))
    values = spaced(data, (n0 + int(np.prod(s1)),))  # all distinct: no tie between any pair
    a, b = values[:n0].reshape(s0), values[n0:].reshape(s1)
    inputs = [tensor(xp, a), tensor(xp, b)]
    np.testing.assert_array_equal(minigan.maximum(*inputs).numpy(), np.maximum(a, b))
    np.testing.assert_array_equal(minigan.minimum(*inputs).numpy(), np.minimum(a, b))
    check_both(minigan.maximum, inputs)
    check_both(lambda u, v: u.minimum(v), inputs)


def test_maximum_tie_splits_the_gradient(xp):
    x0, x1 = tensor(xp, np.array([1.0, 2.0, 3.0])), tensor(xp, np.array([1.0, 5.0, 0.0]))
    (minigan.maximum(x0, x1) * tensor(xp, np.array([4.0, 4.0, 4.0]), requires_grad=False)).sum().backward()
    np.testing.assert_array_equal(x0.grad.numpy(), [2.0, 0.0, 4.0])
    np.testing.assert_array_equal(x1.grad.numpy(), [2.0, 4.0, 0.0])


@given(shape=array_shapes(max_dims=3, max_side=3), low=st.none() | st.integers(-4, 0),
       high=st.none() | st.integers(1, 4), data=st.data())
def test_clamp_away_from_its_edges(xp, shape, low, high, data):
    a = spaced(data, shape)  # multiples of 0.25; the edges halfway between two of them
    low, high = (None if j is None else (j + 0.5) * 0.25 for j in (low, high))
    if low is None and high is None:
        high = 0.125
    x = tensor(xp, a)
    np.testing.assert_array_equal(minigan.clamp(x, low, high).numpy(), np.clip(a, low, high))
    check_both(lambda t: t.clamp(min=low, max=high), [x])


def test_clamp_passes_the_gradient_at_its_edges(xp):
    x = tensor(xp, np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    minigan.clamp(x, -1, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 1, 1, 0])  # as PyTorch: edges included


@given(shape=array_shapes(max_dims=3, max_side=3), data=st.data())
def test_abs_and_sqrt(xp, shape, data):
    a = data.draw(floats64(shape, 0.2, 2.0)) * np.where(data.draw(floats64(shape)) > 0, 1, -1)  # |a| >= 0.2
    x = tensor(xp, a)
    np.testing.assert_array_equal(x.abs().numpy(), np.abs(a))
    np.testing.assert_allclose(minigan.sqrt(x.abs()).numpy(), np.sqrt(np.abs(a)))
    check_both(lambda t: t.abs(), [x])
    check_both(lambda t: minigan.abs(t).sqrt(), [x])


def test_comparisons_make_boolean_conditions(xp):
    x = tensor(xp, np.array([-1.0, 0.0, 2.0]))
    assert (x > 0).dtype == np.bool_ and not (x > 0).requires_grad
    np.testing.assert_array_equal((x > 0).numpy(), [False, False, True])
    np.testing.assert_array_equal((x <= x * 0).numpy(), [True, True, False])
    np.testing.assert_array_equal(minigan.where(x >= 0, x, -x).numpy(), [1.0, 0.0, 2.0])


# ---------------------------------------------------------------- max, min, logsumexp

@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=3), keepdim=st.booleans(), data=st.data())
def test_max_and_min_along_a_dim_away_from_ties(xp, shape, keepdim, data):
    dim = data.draw(a_dim(len(shape)))
    a = spaced(data, shape)
    x = tensor(xp, a)
    for name, ref, arg in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
        values, indices = getattr(x, name)(dim, keepdim=keepdim)
        np.testing.assert_array_equal(values.numpy(), ref(a, axis=dim, keepdims=keepdim))
        want = arg(a, axis=dim)
        np.testing.assert_array_equal(indices.numpy(), np.expand_dims(want, dim) if keepdim else want)
        check_both(lambda t: getattr(t, name)(dim, keepdim).values, [x])
        check_both(lambda t: getattr(minigan, name)(t), [x])  # over all elements


def test_max_ties_as_pytorch(xp):
    x = tensor(xp, np.array([[3.0, 1.0, 3.0], [0.0, 2.0, 2.0]]))
    x.max().backward()  # over all elements: the two 3s share
    np.testing.assert_array_equal(x.grad.numpy(), [[0.5, 0, 0.5], [0, 0, 0]])
    x.grad = None
    values, indices = x.max(dim=1)
    values.sum().backward()  # along a dim: the first of the tied, the returned index
    np.testing.assert_array_equal(indices.numpy(), [0, 1])
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 0, 0], [0, 1, 0]])


@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=3), keepdim=st.booleans(), data=st.data())
def test_logsumexp(xp, shape, keepdim, data):
    dim = data.draw(a_dim(len(shape)) | st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True).map(tuple))
    a = data.draw(floats64(shape, -3.0, 3.0))
    x = tensor(xp, a)
    expected = np.log(np.exp(a).sum(axis=dim, keepdims=keepdim))
    np.testing.assert_allclose(minigan.logsumexp(x, dim, keepdim).numpy(), expected, rtol=1e-12, atol=1e-15)
    check_both(lambda t: t.logsumexp(dim, keepdim=keepdim), [x])


def test_logsumexp_is_finite_for_huge_and_masked_inputs(xp):
    x = tensor(xp, np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [-np.inf, -np.inf]]))
    with np.errstate(over="raise", invalid="raise", divide="ignore"):  # log(0) of the masked row is its value
        y = minigan.logsumexp(x, 1)
    np.testing.assert_allclose(y.numpy(), [1000 + np.log(2), -1000 + np.log(2), -np.inf])


# ---------------------------------------------------------------- errors

def test_bad_arguments_are_named(xp):
    x = tensor(xp, np.zeros((2, 3)))
    with pytest.raises(IndexError, match=r"cat: dim 2 is out of range .*\(expected a dim in \[-2, 1\]\)"):
        minigan.cat([x, x], 2)
    with pytest.raises(ValueError, match=r"cat: tensor 1 has shape \(3, 3\)"):
        minigan.cat([x, tensor(xp, np.zeros((3, 3)))], 1)
    with pytest.raises(TypeError, match="cat expects a list or tuple of Tensors"):
        minigan.cat(x)
    with pytest.raises(TypeError, match="element 1 is a ndarray"):
        minigan.cat([x, np.zeros((2, 3))])
    with pytest.raises(ValueError, match="stack expects tensors of one shape"):
        minigan.stack([x, x.T])
    with pytest.raises(IndexError, match="stack: dim -4 is out of range"):
        minigan.stack([x, x], -4)
    with pytest.raises(ValueError, match=r"sections \[1, 1\] add up to 2, but the dimension has size 3"):
        x.split([1, 1], dim=1)
    with pytest.raises(ValueError, match="split size must be a positive integer"):
        x.split(0)
    with pytest.raises(ValueError, match="chunks must be a positive integer"):
        x.chunk(0)
    with pytest.raises(TypeError, match="condition must be a boolean"):
        minigan.where(x, x, x)
    with pytest.raises(ValueError, match="at least one of min and max"):
        minigan.clamp(x)
    with pytest.raises(TypeError, match="clamp: min must be a number"):
        minigan.clamp(x, min=x)
    with pytest.raises(IndexError, match="max: dim 5 is out of range"):
        x.max(5)
    with pytest.raises(TypeError, match="for the elementwise maximum of two tensors use minigan.maximum"):
        x.max(x)
    with pytest.raises(ValueError, match="names a dimension twice"):
        minigan.logsumexp(x, (1, -1))
    with pytest.raises(TypeError, match="dim must be an int"):
        minigan.logsumexp(x, 0.5)
