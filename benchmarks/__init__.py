"""Benchmarks: one GAN training step of minigan and of PyTorch, timed on the same workloads."""
