"""Packing, the model builders and the learning-rate schedule."""

import numpy as np
import pytest

import minigan
from minigan import optim
from minigan.models import Pack, mlp_discriminator, mlp_generator


def test_pack_puts_m_samples_side_by_side(xp):
    x = minigan.Tensor(xp.arange(12, dtype="float32").reshape(6, 2))
    np.testing.assert_array_equal(Pack(3)(x).numpy(), np.arange(12).reshape(2, 6))
    with pytest.raises(ValueError, match=r"N a multiple of 4, received \(6, 2\)"):
        Pack(4)(x)
    with pytest.raises(ValueError, match="positive integer"):
        Pack(0)


def test_model_shapes(xp):
    G, D = mlp_generator(8, width=16, depth=2), mlp_discriminator(width=16, depth=2, pack=4)
    fake = G(minigan.randn(8, 8))
    assert fake.shape == (8, 2) and D(fake).shape == (2, 1)
    assert len(list(G.parameters())) == 6  # three Linear layers


def test_lambda_lr_sets_the_rate_every_step():
    p = minigan.nn.Parameter(np.zeros(1, dtype="float32"))
    opt = optim.SGD([p], lr=0.5)
    schedule = optim.LambdaLR(opt, lambda t: 1 - t / 4)
    rates = []
    for _ in range(4):
        schedule.step()
        rates.append(opt.lr)
    assert rates == [0.375, 0.25, 0.125, 0.0]
    resumed = optim.LambdaLR(optim.SGD([p], lr=0.1), lambda t: 1 - t / 4, base_lr=0.5, last_step=2)
    assert resumed.optimizer.lr == 0.25
