"""Joining tensors along a dimension and splitting them apart: ``cat``, ``stack``, ``split``, ``chunk``.

``cat`` lays its inputs side by side, so each input's gradient is the slice of ``gy`` that
its values landed in. ``split`` is the reverse: each piece is a slice (``x[..., a:b]``, a
``GetItem``), whose gradient is scattered back into place, and the engine adds the pieces'
gradients into one. Both directions are linear maps, each the other's adjoint.
"""

import math
import numbers

from minigan import backend
from minigan.autograd.function import Function
from minigan.autograd.ops import dim_index
from minigan.autograd.tensor import Tensor


def _along(dim, index):
    """An index that applies ``index`` (a slice) to dimension ``dim`` and takes every other whole."""
    return (slice(None),) * dim + (index,)


def _edges(sizes):
    """The (start, stop) of consecutive pieces of ``sizes`` along one dimension."""
    stops = [0]
    for n in sizes:
        stops.append(stops[-1] + n)
    return list(zip(stops[:-1], stops[1:]))


class Cat(Function):
    """y = the inputs joined along dimension ``dim`` (all other sizes equal)."""

    def __init__(self, dim):
        self.dim = dim

    def forward(self, *xs):
        return backend.get_array_module(*xs).concatenate(xs, axis=self.dim)

    def backward(self, gy):
        # y[.., a_k:b_k, ..] = x_k: dL/dx_k is the slice of dL/dy that x_k was copied to
        edges = _edges(x.shape[self.dim] for x in self.inputs)
        return tuple(gy[_along(self.dim, slice(a, b))] if need else None
                     for (a, b), need in zip(edges, self.needs_input_grad))


def _check_tensors(name, tensors):
    """The tensors of a ``cat`` or ``stack`` as a list, checked to be a non-empty sequence of Tensors."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name} expects a list or tuple of Tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"{name} expects a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}: element {i} is a {type(t).__name__}, not a Tensor")
    return list(tensors)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension, as ``torch.cat``.

    Args:
        tensors: a list or tuple of Tensors with the same number of dimensions and the
            same sizes in every dimension but ``dim``, e.g. (N, C1, H, W) and (N, C2, H, W).
        dim: the dimension joined along (negative counts from the end).

    Returns:
        Tensor with the sizes along ``dim`` added up: (N, C1 + C2, H, W) in the example.
    """
    tensors = _check_tensors("cat", tensors)
    first = tensors[0]
    d = dim_index(dim, first.ndim, "cat")
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or any(a != b for k, (a, b) in enumerate(zip(t.shape, first.shape)) if k != d):
            raise ValueError(f"cat: tensor {i} has shape {t.shape} but tensor 0 has {first.shape}; "
                             f"all sizes must match except in dimension {dim}")
    return tensors[0] if len(tensors) == 1 else Cat(d)(*tensors)


def stack(tensors, dim=0):
    """Join tensors of one shape along a new dimension, as ``torch.stack``.

    Args:
        tensors: a list or tuple of K Tensors of the same shape, e.g. (N, D).
        dim: where the new dimension goes, in [-(ndim + 1), ndim].

    Returns:
        Tensor with a new dimension of size K at ``dim``: (K, N, D) for ``dim=0``.
        ``stack`` is ``cat`` of the tensors each given a size-1 dimension at ``dim``.
    """
    tensors = _check_tensors("stack", tensors)
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise ValueError(f"stack expects tensors of one shape, got {shape} (tensor 0) and {t.shape} "
                             f"(tensor {i})")
    d = dim_index(dim, len(shape), "stack", extra=1)
    expanded = shape[:d] + (1,) + shape[d:]
    return cat([t.reshape(expanded) for t in tensors], d)


def _sizes(name, split_size_or_sections, n):
    """The sizes of the pieces of a dimension of size ``n``: a split size, or a list of sections."""
    if isinstance(split_size_or_sections, numbers.Integral) and not isinstance(split_size_or_sections, bool):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"{name}: split size must be a positive integer, got {size}")
        return [size] * (n // size) + ([n % size] if n % size else [])  # the last piece may be shorter
    sections = list(split_size_or_sections)
    if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 0 for s in sections):
        raise ValueError(f"{name}: sections must be non-negative integers, got {split_size_or_sections!r}")
    if sum(sections) != n:
        raise ValueError(f"{name}: sections {sections} add up to {sum(sections)}, but the dimension "
                         f"has size {n}")
    return sections


def split(x, split_size_or_sections, dim=0):
    """Cut ``x`` into consecutive pieces along ``dim``, as ``torch.split``.

    Args:
        x: Tensor.
        split_size_or_sections: an int, the size of every piece (the last may be shorter),
            or a list of the pieces' sizes, which must add up to ``x.shape[dim]``.
        dim: the dimension cut along (negative counts from the end).

    Returns:
        A tuple of Tensors, each ``x`` sliced along ``dim``.
    """
    d = dim_index(dim, x.ndim, "split")
    sizes = _sizes("split", split_size_or_sections, x.shape[d])
    return tuple(x[_along(d, slice(a, b))] for a, b in _edges(sizes))


def chunk(x, chunks, dim=0):
    """Cut ``x`` into ``chunks`` pieces of equal size along ``dim`` (the last may be smaller),
    as ``torch.chunk``: pieces of ``ceil(size / chunks)``, so there may be fewer than ``chunks``."""
    if isinstance(chunks, bool) or not isinstance(chunks, numbers.Integral) or chunks <= 0:
        raise ValueError(f"chunk: chunks must be a positive integer, got {chunks!r}")
    n = x.shape[dim_index(dim, x.ndim, "chunk")]
    return split(x, max(math.ceil(n / chunks), 1), dim)


Tensor.split, Tensor.chunk = split, chunk
