#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and CuPy (PyTorch optional): the whole suite on
# real CuPy, both demos with their defaults and quality checks, and workloads A, B and B scaled up
# against PyTorch CUDA, in one table. The parts and their checks: benchmarks/gpu_check.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 -m benchmarks.gpu_check "$@"
