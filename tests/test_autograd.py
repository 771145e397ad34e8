"""The reverse pass: accumulation, shared nodes, deep graphs, grad(), create_graph, grad mode."""

import numpy as np
import pytest

import minigan
from minigan import Tensor
from tests.helpers import tensor


def test_backward_twice_accumulates_until_zeroed(xp):
    x = tensor(xp, np.array([1.0, 2.0, 3.0]))
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (2 * np.array([1.0, 2.0, 3.0])))
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]))


def test_tensor_used_twice_gets_both_gradients(xp):
    a = tensor(xp, np.array([1.5, -2.0]))
    (a + a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [2.0, 2.0])
    b = tensor(xp, np.array([3.0]))
    y = b * b * b  # b reaches the output along three paths
    y.backward()
    np.testing.assert_allclose(b.grad.numpy(), [27.0])


def test_diamond_graph_runs_each_backward_once(xp):
    x = tensor(xp, np.array([2.0]))
    h = x.exp()
    y = h * 3.0 + h.log()  # h feeds two branches; its gradient must be summed before Exp runs
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0 * np.exp(2.0) + 1.0])


def test_deep_graph_has_no_recursion_limit(xp):
    x = tensor(xp, np.array([1.0]))
    y = x
    for _ in range(5000):
        y = y + 1.0
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0])


def test_grad_returns_gradients_without_touching_dot_grad(xp):
    x = tensor(xp, np.array([1.0, 2.0]))
    w = tensor(xp, np.array([3.0, 4.0]))
    (gx,) = minigan.grad((x * w).sum(), [x])
    np.testing.assert_allclose(gx.numpy(), [3.0, 4.0])
    assert x.grad is None and w.grad is None
    assert gx.creator is None  # no graph without create_graph


def test_grad_of_unused_input(xp):
    x, z = tensor(xp, np.ones(2)), tensor(xp, np.ones(2))
    with pytest.raises(RuntimeError, match="input 1 .* not used"):
        minigan.grad((x * 2.0).sum(), [x, z])
    gx, gz = minigan.grad((x * 2.0).sum(), [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_allclose(gx.numpy(), [2.0, 2.0])


def test_grad_with_respect_to_an_intermediate(xp):
    x = tensor(xp, np.array([1.0, -1.0]))
    h = x * 3.0
    (gh,) = minigan.grad((h * h).sum(), [h])
    np.testing.assert_allclose(gh.numpy(), [6.0, -6.0])


def test_create_graph_gives_second_derivatives(xp):
    x = tensor(xp, np.array([0.5, 2.0]))
    (g,) = minigan.grad((x ** 3).sum(), [x], create_graph=True)  # 3 x^2
    (gg,) = minigan.grad(g.sum(), [x])  # 6 x
    np.testing.assert_allclose(g.numpy(), 3 * np.array([0.5, 2.0]) ** 2)
    np.testing.assert_allclose(gg.numpy(), [3.0, 12.0])


def test_backward_with_create_graph_keeps_a_differentiable_grad(xp):
    x = tensor(xp, np.array([1.0, 2.0]))
    (x.exp().sum()).backward(create_graph=True)
    assert x.grad.creator is not None
    (gg,) = minigan.grad(x.grad.sum(), [x])
    np.testing.assert_allclose(gg.numpy(), np.exp([1.0, 2.0]))


def test_no_grad_records_nothing_and_detach_cuts(xp):
    x = tensor(xp, np.ones(3))
    with minigan.no_grad():
        y = x * 2.0
    assert y.creator is None and not y.requires_grad
    z = (x * 2.0).detach() * x
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 2.0])  # only the undetached path


def test_backward_needs_a_scalar_or_a_gradient(xp):
    x = tensor(xp, np.ones(3))
    with pytest.raises(RuntimeError, match="one-element output"):
        (x * 2.0).backward()
    with pytest.raises(ValueError, match=r"gradient of shape \(2,\) given for an output of shape \(3,\)"):
        (x * 2.0).backward(xp.ones(2))
    (x * 2.0).backward(xp.asarray([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.0, -2.0])


def test_float32_stays_float32_with_python_scalars(xp):
    x = Tensor(xp.ones(3, dtype="float32"), requires_grad=True)
    y = (2.5 * x - 1.0) / 3.0 + x ** 2.0
    y = y.exp().log().mean()
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_mixed_float_dtypes_are_refused(xp):
    a = Tensor(xp.ones(2, dtype="float32"))
    b = Tensor(xp.ones(2, dtype="float64"))
    with pytest.raises(TypeError, match="different dtypes .*float32 and float64"):
        a + b


def test_bad_tensor_data_is_refused():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        Tensor(np.arange(3), requires_grad=True)
    with pytest.raises(TypeError, match="numeric"):
        Tensor(["a", "b"])
    with pytest.raises(TypeError, match="numeric"):
        Tensor(np.array([None, 1.0], dtype=object))
    for data in (None, [1.0, None], "1.5"):  # NumPy would make NaN of None and a number of "1.5"
        with pytest.raises(TypeError, match="Tensor data must be numeric"):
            Tensor(data)


def test_python_data_defaults_to_float32():
    assert Tensor([1, 2, 3]).dtype == np.float32
    assert Tensor(np.zeros(2)).dtype == np.float64  # arrays keep their dtype


def test_tensor_exponent_is_refused_with_a_hint(xp):
    x = tensor(xp, np.ones(2))
    with pytest.raises(TypeError, match="number as the exponent"):
        x ** x


def test_matmul_shape_errors(xp):
    a, b = tensor(xp, np.ones((2, 3))), tensor(xp, np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\) do not match"):
        a @ b
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        a @ tensor(xp, np.ones(3))


def test_two_leaves_never_share_one_gradient_array(xp):
    a, b = tensor(xp, np.ones(3)), tensor(xp, np.ones(3))
    (a + b).sum().backward()  # Add hands the same upstream gradient to both inputs
    a.grad.data *= 5.0  # in-place gradient clipping or scaling on one parameter...
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0, 1.0])  # ...leaves the other alone


def test_a_gradient_is_writable_even_when_it_came_from_a_broadcast(xp):
    x = tensor(xp, np.ones((2, 3)))
    x.sum().backward()  # Sum's backward broadcasts one number to x's shape
    x.grad.data *= 0.5
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 0.5))


def test_transpose_with_negative_axes_has_the_right_gradient(xp):
    x = tensor(xp, np.arange(8.0).reshape(2, 2, 2))  # a cube: a wrong inverse would still fit the shape
    minigan.gradcheck(lambda t: t.transpose(1, -1, 0), [x])


def test_integer_and_float_tensors_do_not_mix(xp):
    with pytest.raises(TypeError, match="different dtypes"):
        Tensor(xp.ones(2, dtype="float32")) + Tensor(xp.ones(2, dtype="int64"))


def test_numpy_scalar_exponent_keeps_float32(xp):
    x = Tensor(xp.ones(2, dtype="float32"), requires_grad=True)
    y = x ** np.float64(2.0)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_no_integer_cast_of_a_tensor_that_requires_grad(xp):
    x = tensor(xp, np.array([1.5, 2.5]))
    with pytest.raises(TypeError, match="only floating dtypes carry gradients"):
        x.astype("int32")
    assert x.detach().astype("int32").dtype == np.int32


def test_backward_of_something_without_a_graph_says_so(xp):
    with minigan.no_grad():
        y = tensor(xp, np.ones(2)).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_an_op_result_is_always_an_array_of_the_inputs_backend(xp):
    # a full reduction on NumPy returns a NumPy scalar, not an array: Function.__call__ wraps
    # results without Tensor's checks, so it must still make them arrays
    x = tensor(xp, np.array([1.0, 2.0, 3.0]))
    total = x.sum()
    assert type(total.data) is type(x.data) and total.shape == () and total.dtype == x.dtype
    assert total.requires_grad and total.creator is not None
    with minigan.no_grad():
        plain = x.sum()
    assert type(plain.data) is type(x.data) and not plain.requires_grad and plain.creator is None


def test_each_leaf_gradient_owns_its_memory(xp):
    """``a + b.reshape(...)`` and a broadcast sum hand views of one upstream gradient to several
    leaves: each ``.grad`` must be an array of its own, safe to edit in place, on either backend."""
    a = Tensor(xp.ones((2, 3)), requires_grad=True)
    b = Tensor(xp.ones(6), requires_grad=True)
    c = Tensor(xp.ones(3), requires_grad=True)
    ((a + b.reshape(2, 3)) * 1.0 + c).sum().backward()
    for leaf in (a, b, c):
        assert leaf.grad.data.base is None
    a.grad.data[...] = 5.0  # an in-place edit (clipping, scaling) of one leaf's gradient
    assert (minigan.to_numpy(b.grad.data) == 1).all() and (minigan.to_numpy(c.grad.data) == 2).all()


def test_an_integer_tensor_times_a_float_computes_in_float32(xp):
    """PyTorch's rule: int * 0.5 is a float32 result, not the integers times 0."""
    x = Tensor(xp.asarray([1, 2, 3]))
    for y in (x * 0.5, 0.5 * x, x / 2.0, x + xp.asarray([0.5, 0.5, 0.5])):
        assert y.dtype == np.float32
    np.testing.assert_array_equal(minigan.to_numpy((x * 0.5).data), [0.5, 1.0, 1.5])
    assert (x * 2).dtype == x.dtype  # an integer constant keeps integers


def test_backward_with_a_gradient_of_another_dtype_names_both(xp):
    x = tensor(xp, np.ones(3, dtype=np.float32))
    with pytest.raises(TypeError, match="gradient of dtype float64 given for an output of dtype float32"):
        (x * 2).backward(Tensor(xp.ones(3, dtype="float64")))
    assert x.grad is None
