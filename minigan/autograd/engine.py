"""The reverse pass: apply the chain rule from the outputs back to the inputs.

Every tensor made by a Function has ``generation = creator.generation + 1`` and every
Function the largest generation of its inputs, so a Function's generation is below that of
every Function that uses its output. Running the backwards highest generation first
therefore runs each one only after all the gradients flowing into its outputs have been
summed: a topological order, found by sorting on the generation (no recursion limit), that
handles a tensor used twice (``a + a``: both gradients are summed before going further).

Gradients are kept in a dictionary during the pass, keyed by tensor (tensors hash by
identity), so that ``grad()`` can return them without touching any ``.grad``.
"""

from minigan.autograd import grad_mode, trace


def _graph(outputs):
    """Every Function that the outputs depend on, lowest generation first."""
    seen, stack = {}, [t.creator for t in outputs if t.creator is not None]
    while stack:
        f = stack.pop()
        if id(f) in seen:
            continue
        seen[id(f)] = f
        stack.extend(x.creator for x in f.inputs if x.creator is not None and id(x.creator) not in seen)
    return sorted(seen.values(), key=lambda f: f.generation)


def _needed(functions, inputs):
    """For each Function, which of its inputs need a gradient.

    With ``inputs=None`` (``backward()``) every tensor that requires grad needs one; with a
    list (``grad()``) only tensors that lead to one of those inputs do, so no work is spent
    on, say, parameter gradients that nobody asked for.
    """
    targets = None if inputs is None else {id(t) for t in inputs}
    leads = set()  # ids of the Functions with an input that needs a gradient
    needs = {}
    for f in functions:  # lowest generation first: a creator is decided before its users
        need = tuple([
            x.requires_grad
            and ((x.creator is None if targets is None else id(x) in targets)  # asked for itself
                 or id(x.creator) in leads)  # or on the way to one that was
            for x in f.inputs
        ])
        needs[id(f)] = need
        if any(need):
            leads.add(id(f))
    return needs


def run_backward(outputs, grad_outputs, inputs=None, create_graph=False):
    """Propagate ``grad_outputs`` from ``outputs`` back through the graph.

    Returns a dictionary from each tensor reached (identity-keyed) to its gradient.
    With ``create_graph=True`` the backward Functions run with grad mode on, so the
    returned gradients are themselves part of a graph and can be differentiated again.
    """
    functions = _graph(outputs)
    needs = _needed(functions, inputs)
    grads = {}
    for t, g in zip(outputs, grad_outputs):
        grads[t] = grads[t] + g if t in grads else g
    with grad_mode.set_grad_enabled(create_graph):
        for f in sorted(functions, key=lambda f: -f.generation):  # highest generation first
            if not any(needs[id(f)]):
                continue  # no input of f leads to a wanted gradient
            gy = grads.get(f.output())  # a dead output (weak reference) received no gradient
            if gy is None:
                continue  # nothing flowed into this Function on the way back
            f.needs_input_grad = needs[id(f)]
            gxs = trace.run_backward_op(f, gy) if trace.active else f.backward(gy)  # traced: log it
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx, need in zip(f.inputs, gxs, f.needs_input_grad):
                if not need or gx is None:
                    continue
                if gx.shape != x.shape:
                    raise RuntimeError(
                        f"{f.name}.backward returned a gradient of shape {gx.shape} "
                        f"for an input of shape {x.shape}"
                    )
                # a tensor used twice collects the sum of its gradients (multivariate chain rule)
                grads[x] = grads[x] + gx if x in grads else gx
    return grads


def backward(tensors, grad_tensors, create_graph=False):
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves.

    ``grad_tensors`` holds one upstream gradient per tensor (``None`` for a one-element
    loss). Calling it twice adds the gradients up, as in PyTorch, until they are zeroed.
    """
    if not any(t.requires_grad for t in tensors):
        raise RuntimeError("backward() on a tensor that does not require grad: nothing it was made "
                           "from requires grad (or it was made under no_grad()), so no .grad would be set")
    seeds = [t._as_grad(g) for t, g in zip(tensors, grad_tensors)]
    grads = run_backward(tensors, seeds, create_graph=create_graph)
    given = set()  # ids of the arrays handed out as .grad in this pass
    for t, g in grads.items():
        if t.is_leaf and t.requires_grad:
            # a + b hands one array to both inputs, and a view (a sum's broadcast gradient, a
            # reshape) shares memory with another array or has zero strides: give each .grad an
            # array of its own, safe to edit in place (clipping, scaling). ``base`` marks a view
            # on NumPy and CuPy alike; NumPy's read-only flag does not exist on CuPy.
            if id(g.data) in given or g.data.base is not None:
                g = g * 1
            given.add(id(g.data))
            if not create_graph:
                g = g.detach()  # .grad of a leaf is plain data unless a graph was asked for
            t.grad = g if t.grad is None else t.grad + g


def grad(outputs, inputs, grad_outputs=None, create_graph=False, allow_unused=False):
    """The gradients of ``outputs`` with respect to ``inputs``, leaving every ``.grad`` alone.

    Like ``torch.autograd.grad``. ``outputs`` and ``inputs`` are tensors or sequences of
    tensors; ``grad_outputs`` one upstream gradient per output (``None``: 1 for a
    one-element output). Returns a tuple with one gradient per input. An input the outputs
    do not depend on raises, unless ``allow_unused=True`` (then its gradient is ``None``).
    With ``create_graph=True`` the gradients can be differentiated again, e.g. in a
    gradient penalty.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad got {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"grad: input {i} (shape {t.shape}) does not require grad")
    seeds = [t._as_grad(g) for t, g in zip(outputs, grad_outputs)]
    grads = run_backward(outputs, seeds, inputs=inputs, create_graph=create_graph)
    result = []
    for i, t in enumerate(inputs):
        g = grads.get(t)
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        result.append(g if g is None or create_graph else g.detach())
    return tuple(result)
