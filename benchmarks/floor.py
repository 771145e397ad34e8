"""The matrix-product floor: NumPy's time for just the matrix products of one training step.

A NumPy engine cannot take less time than the products it must multiply, so this is the
floor its step time is compared with. Every layer is one product per pass, written as
(M, K, O): an input of M rows and K columns times a weight of K x O. A convolution counts as
its im2col product:

* Conv2d(C, OC, k) on (N, C, H, W) -> (N, OC, OH, OW): cols (N OH OW, C k k) @ W^T (C k k, OC);
* ConvTranspose2d(C, OC, k), (N, C, H, W) -> (N, OC, OH, OW): x (N H W, C) @ W (C, OC k k),
  then col2im (the adjoint of a convolution).

Each layer makes up to three products in a step, with the engine's memory layouts:

* forward  y  = x @ W^T   (M, K) @ (K, O)
* weight   gW = gy^T @ x  (O, M) @ (M, K)
* input    gx = gy @ W    (M, O) @ (O, K)

``step_products`` lists them in the order of WORKLOADS.md's step; ``time_floor`` times them.
"""

import time

import numpy as np


def layers_a(batch, z_dim, width):
    """Workload A's product layers (name, M, K, O), for G and for D."""
    n = batch
    G = [("G.fc1", n, z_dim, width), ("G.fc2", n, width, width),
         ("G.fc3", n, width, width), ("G.fc4", n, width, 2)]
    D = [("D.fc1", n, 2, width), ("D.fc2", n, width, width),
         ("D.fc3", n, width, width), ("D.fc4", n, width, 1)]
    return G, D


def layers_b(batch, z_dim, image_size):
    """Workload B's product layers (name, M, K, O), convolutions as im2col products."""
    n, s = batch, image_size // 4        # feature maps: s (7) -> 2s (14) -> 4s (28)
    G = [("G.fc", n, z_dim, 128 * s * s),
         ("G.convT1", n * s * s, 128, 64 * 16),              # (N, 128, s, s) -> (N, 64, 2s, 2s)
         ("G.convT2", n * (2 * s) ** 2, 64, 1 * 16)]         # (N, 64, 2s, 2s) -> (N, 1, 4s, 4s)
    D = [("D.conv1", n * (2 * s) ** 2, 1 * 16, 64),          # (N, 1, 4s, 4s) -> (N, 64, 2s, 2s)
         ("D.conv2", n * s * s, 64 * 16, 128),               # (N, 64, 2s, 2s) -> (N, 128, s, s)
         ("D.fc", n, 128 * s * s, 1)]
    return G, D


def forward(layers):
    """The forward products y = x W^T of ``layers``."""
    return [("fwd", *layer) for layer in layers]


def weight_grads(layers):
    """The weight-gradient products gW = gy^T x of ``layers``."""
    return [("gW", *layer) for layer in layers]


def input_grads(layers):
    """The input-gradient products gx = gy W of ``layers``."""
    return [("gx", *layer) for layer in layers]


def step_products(workload, settings):
    """Every product of one step of ``workload`` as (kind, layer, M, K, O), in order."""
    if workload == "A":
        G, D = layers_a(settings["batch"], settings["z_dim"], settings["width"])
    else:
        G, D = layers_b(settings["batch"], settings["z_dim"], settings["image_size"])
    # 1. D step: fake = G(z) with no graph; D on the real and on the fake batch; D's gradients.
    #    D's first layer needs no input gradient: neither batch requires one.
    products = forward(G)
    for _batch in ("real", "fake"):
        products += forward(D) + weight_grads(D) + input_grads(D[1:])
    # 2. G step: G(z) through D; D's input gradients only (its parameters are off);
    #    then G's weight gradients and its input gradients but the first (z needs none).
    products += forward(G) + forward(D) + input_grads(D) + weight_grads(G) + input_grads(G[1:])
    return products


def operands(kind, m, k, o, rng):
    """The two float32 operands of one product, laid out as the engine holds them."""
    def array(*shape):
        return rng.standard_normal(shape, dtype=np.float32)
    if kind == "fwd":
        return array(m, k), array(o, k).T   # x @ W^T, W stored (O, K)
    if kind == "gW":
        return array(m, o).T, array(m, k)   # gy^T @ x
    return array(m, o), array(o, k)         # gy @ W


def flops(products):
    """The floating-point operations of ``products``: 2 M K O each."""
    return sum(2 * m * k * o for _kind, _name, m, k, o in products)


def describe(products):
    """One line per product: kind, layer and the shapes multiplied."""
    lines = []
    for kind, name, m, k, o in products:
        a, b = {"fwd": ((m, k), (k, o)), "gW": ((o, m), (m, k)), "gx": ((m, o), (o, k))}[kind]
        lines.append(f"{kind:3} {name:9} {str(a):>14} @ {str(b):<14}")
    return lines


def time_floor(products, warmup, repeats, seed=0):
    """Time all of ``products`` together ``repeats`` times; returns the times in ms."""
    rng = np.random.default_rng(seed)
    pairs = [operands(kind, m, k, o, rng) for kind, _name, m, k, o in products]
    times = []
    for i in range(warmup + repeats):
        start = time.perf_counter()
        for a, b in pairs:
            a @ b
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1e3)
    return times
