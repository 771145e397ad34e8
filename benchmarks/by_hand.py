"""Workload A written by hand in NumPy, with no autograd: minigan's step without its engine.

The same networks (minigan's own initial weights), data, noise, non-saturating loss and Adam
as ``benchmarks.workloads_minigan``, with every gradient written out layer by layer, as a
reader would write it on paper. What is left is what any NumPy step of this GAN must do:
the floor's matrix products (the three with an inner size of 1 as broadcast products, as
minigan makes them), plus the elementwise passes of the biases, LeakyReLU, the loss and
Adam (minigan's own ``Adam.update``, which works on raw arrays). So it sits between the
floor and minigan, and the gap between it and minigan is the cost of the engine: the graph,
the ``Tensor``s, the generic ops.

Workload A only: B's convolutions by hand would repeat minigan's own im2col code.
``tests/test_benchmarks.py`` checks that a step here moves every parameter as minigan's
step does.
"""

import itertools

import numpy as np

import minigan
from minigan import nn
from minigan.data.toy2d import ring
from minigan.optim import Adam

from benchmarks.models import mlp_pair
from benchmarks.spec import ADAM, POOL, RING, SLOPE, sizes

WORKLOADS = ("A",)  # the workloads written by hand


def forward(params, x):
    """The MLP ``[W0, b0, W1, b1, ...]`` (LeakyReLU between layers) on x: (logits, cache).

    The cache holds what the backward needs: each layer's input and each pre-activation.
    """
    inputs, pre = [], []
    h = x
    last = len(params) // 2 - 1
    for i in range(last + 1):
        W, b = params[2 * i], params[2 * i + 1]
        y = h @ W.T
        y += b  # y = x W^T + b
        inputs.append(h)
        if i == last:
            return y, (inputs, pre)
        pre.append(y)
        h = SLOPE * y
        np.maximum(y, h, out=h)  # LeakyReLU: max(y, a y) for a < 1


def backward(params, cache, gy, weight_grads=True, input_grad=False):
    """From dL/dlogits back through the MLP: (the parameters' gradients or None, dL/dx or None)."""
    inputs, pre = cache
    grads = [None] * len(params)
    g = gy
    for i in reversed(range(len(params) // 2)):
        W = params[2 * i]
        if weight_grads:
            grads[2 * i] = g.T @ inputs[i]  # dL/dW = gy^T x
            grads[2 * i + 1] = g.sum(axis=0)  # dL/db = sum over the batch of gy
        if i == 0 and not input_grad:
            return grads, None
        g = g * W[0] if W.shape[0] == 1 else g @ W  # dL/dx = gy W (inner size 1: a broadcast product)
        if i == 0:
            return grads, g
        positive = (pre[i - 1] > 0).astype(np.float32)
        slope = 1 - positive
        slope *= SLOPE
        slope += positive
        g *= slope  # LeakyReLU: dL/dy = dL/dh (1 where y > 0, else a)


def bce_grad(logits, target):
    """d/dl of mean(softplus(l) - t l), the non-saturating loss: (sigmoid(l) - t) / N."""
    g = np.exp(-np.logaddexp(0, -logits))  # sigmoid(l), finite for any l
    g -= target
    g *= 1 / len(logits)
    return g


def adam_step(optimizer, grads):
    """One step of a minigan optimizer with the gradients as raw arrays, one per parameter.

    ``update`` is the optimizer's own math on raw arrays, outside any graph: the step by hand
    shares it rather than writing Adam again.
    """
    for p, g, state in zip(optimizer.params, grads, optimizer.state):
        optimizer.update(p, g, state)


class Step:
    """One training step of workload A by hand; ``G`` and ``D`` are the parameter lists."""

    def __init__(self, seed=0, **overrides):
        settings = sizes("A", **overrides)
        self.n, self.z_dim = settings["batch"], settings["z_dim"]
        # the same seed, networks and data as workloads_minigan.make_step, in the same order
        minigan.manual_seed(seed)
        G, D = mlp_pair(nn, self.z_dim, settings["width"])
        self.g_adam, self.d_adam = Adam(G.parameters(), **ADAM), Adam(D.parameters(), **ADAM)
        # [W0, b0, W1, b1, ...]: the very arrays that Adam updates in place
        self.G = [p.data for p in self.g_adam.params]
        self.D = [p.data for p in self.d_adam.params]
        data = ring(**RING)
        self.batches = itertools.cycle([data.sample(self.n).data for _ in range(POOL)])

    def noise(self):
        """z ~ N(0, I) from minigan's generator, as the trainer draws it."""
        return minigan.randn(self.n, self.z_dim).data

    def __call__(self):
        """One D update, then one G update, as ``GANTrainer.step`` makes them."""
        # 1-2. D on a real batch (target 1) and on a generated one (target 0); G forward only
        real = next(self.batches)
        fake, _ = forward(self.G, self.noise())
        real_logits, real_cache = forward(self.D, real)
        fake_logits, fake_cache = forward(self.D, fake)
        d_grads, _ = backward(self.D, real_cache, bce_grad(real_logits, 1))
        fake_grads, _ = backward(self.D, fake_cache, bce_grad(fake_logits, 0))
        for g, g_fake in zip(d_grads, fake_grads):
            g += g_fake  # the loss is the sum of the two batches' losses
        adam_step(self.d_adam, d_grads)
        # 3. G through D, target 1: D's input gradient only, not its parameters'
        fake, g_cache = forward(self.G, self.noise())
        logits, d_cache = forward(self.D, fake)
        _, gx = backward(self.D, d_cache, bce_grad(logits, 1), weight_grads=False, input_grad=True)
        g_grads, _ = backward(self.G, g_cache, gx)
        adam_step(self.g_adam, g_grads)


def make_step(workload, seed=0, **overrides):
    """One training step of workload A, by hand, as a function of no arguments."""
    if workload not in WORKLOADS:
        raise ValueError(f"the by-hand step is written for workload A only, not {workload!r}")
    return Step(seed, **overrides)
