"""Ready-made networks for the demos and benchmarks, built from ``minigan.nn`` layers."""

from minigan.models.mlp import Pack, mlp, mlp_discriminator, mlp_generator

__all__ = ["Pack", "mlp", "mlp_generator", "mlp_discriminator"]
