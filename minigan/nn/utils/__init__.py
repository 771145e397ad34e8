"""Helpers that change a module, as ``torch.nn.utils``: ``spectral_norm``."""

from minigan.nn.utils.spectral_norm import spectral_norm

__all__ = ["spectral_norm"]
