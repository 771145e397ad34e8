"""Every primitive op's first and second derivatives against finite differences."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import minigan
from minigan import Tensor
from tests.helpers import floats64, tensor

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


@given(op=st.sampled_from(sorted(BINARY)), shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       data=st.data())
def test_binary_ops_with_broadcasting(xp, op, shapes, data):
    s0, s1 = shapes.input_shapes
    a = data.draw(floats64(s0))
    b = data.draw(floats64(s1, 0.5, 2.0))  # away from 0: a divisor
    inputs = [tensor(xp, a), tensor(xp, b)]
    minigan.gradcheck(BINARY[op], inputs)
    minigan.gradgradcheck(BINARY[op], inputs)


@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), data=st.data())
def test_reflected_operators_with_constants(xp, shapes, data):
    s0, s1 = shapes.input_shapes
    a = data.draw(floats64(s0, 0.5, 2.0))
    const = xp.asarray(data.draw(floats64(s1)))  # a plain array on the tensor's backend: a constant
    minigan.gradcheck(lambda x: (const - x) * (2.0 / x) + const * x - x / 3.0, [tensor(xp, a)])


UNARY = {
    "neg": (lambda x: -x, -2.0, 2.0),
    "exp": (lambda x: x.exp(), -2.0, 2.0),
    "log": (lambda x: x.log(), 0.2, 3.0),
    "square": (lambda x: x ** 2, -2.0, 2.0),
    "pow_fraction": (lambda x: x ** 1.5, 0.2, 3.0),
    "rsqrt": (lambda x: x ** -0.5, 0.2, 3.0),
}


@given(op=st.sampled_from(sorted(UNARY)), shape=array_shapes(max_dims=3, max_side=3), data=st.data())
def test_unary_ops(xp, op, shape, data):
    fn, low, high = UNARY[op]
    inputs = [tensor(xp, data.draw(floats64(shape, low, high)))]
    minigan.gradcheck(fn, inputs)
    minigan.gradgradcheck(fn, inputs)


@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=3), keepdims=st.booleans(), data=st.data())
def test_sum_and_mean(xp, shape, keepdims, data):
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)
                     | st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True).map(tuple))
    a = data.draw(floats64(shape))
    inputs = [tensor(xp, a)]
    for reduce, ref in (("sum", np.sum), ("mean", np.mean)):
        fn = lambda x: getattr(x, reduce)(axis=axis, keepdims=keepdims)  # noqa: E731
        np.testing.assert_allclose(fn(inputs[0]).numpy(), ref(a, axis=axis, keepdims=keepdims))
        minigan.gradcheck(fn, inputs)
        minigan.gradgradcheck(fn, inputs)


@given(batch=array_shapes(min_dims=0, max_dims=2, max_side=2), n=st.integers(1, 3), k=st.integers(1, 3),
       m=st.integers(1, 3), data=st.data())
def test_matmul_with_batch_broadcasting(xp, batch, n, k, m, data):
    a = data.draw(floats64(batch + (n, k)))
    b = data.draw(floats64((k, m)))
    inputs = [tensor(xp, a), tensor(xp, b)]
    np.testing.assert_allclose((inputs[0] @ inputs[1]).numpy(), a @ b)
    minigan.gradcheck(lambda x, w: x @ w, inputs)
    minigan.gradgradcheck(lambda x, w: x @ w, inputs)


@given(shape=array_shapes(min_dims=1, max_dims=4, max_side=3), data=st.data())
def test_reshape_transpose_broadcast(xp, shape, data):
    a = data.draw(floats64(shape))
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    x = tensor(xp, a)
    fns = [
        lambda t: t.reshape(-1),
        lambda t: t.reshape(tuple(reversed(shape))),
        lambda t: t.transpose(perm),
        lambda t: t.T,
        lambda t: minigan.autograd.ops.broadcast_to(t, (2,) + shape),
        lambda t: minigan.autograd.ops.sum_to(t, (1,) * len(shape)),
    ]
    np.testing.assert_allclose(x.transpose(perm).numpy(), a.transpose(perm))
    for fn in fns:
        minigan.gradcheck(fn, [x])
        minigan.gradgradcheck(fn, [x])


@given(shape=array_shapes(min_dims=2, max_dims=4, min_side=2, max_side=3), data=st.data())
def test_reshape_gradient_is_laid_out_as_its_input(xp, shape, data):
    """A flattened batch-last array gets its gradient back batch-last: same values, same strides."""
    a = data.draw(floats64(shape))
    x = Tensor(xp.ascontiguousarray(xp.asarray(a).T).T, requires_grad=True)  # reversed memory order
    gy = data.draw(floats64((a.size,)))
    (gx,) = minigan.grad(x.reshape(-1), [x], [tensor(xp, gy)])
    np.testing.assert_array_equal(gx.numpy(), gy.reshape(shape))
    assert gx.data.strides == x.data.strides


@given(n=st.integers(1, 5), data=st.data())
def test_indexing_with_slices_and_repeated_integers(xp, n, data):
    a = data.draw(floats64((n, 3)))
    rows = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6))  # repeats allowed
    x = tensor(xp, a)
    index = xp.asarray(rows)
    np.testing.assert_allclose(x[index].numpy(), a[rows])
    for fn in (lambda t: t[index], lambda t: t[1:, ::2], lambda t: t[index, 1], lambda t: t[..., -1]):
        minigan.gradcheck(fn, [x])
        minigan.gradgradcheck(fn, [x])


def test_astype_gradient_returns_in_the_input_dtype(xp):
    x = tensor(xp, np.array([1.0, -2.0]))
    y = x.astype("float32") * 3.0
    assert y.dtype == np.float32 and x.astype("float64") is x
    (gx,) = minigan.grad(y, [x], xp.asarray([1.0, 2.0], dtype="float32"))
    assert gx.dtype == np.float64
    np.testing.assert_array_equal(gx.numpy(), [3.0, 6.0])  # d(3x)/dx times the upstream gradient
