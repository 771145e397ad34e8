"""The two workloads of ``shared/bench/WORKLOADS.md`` as numbers, shared by every implementation.

* A: an MLP GAN on 8 Gaussians on a ring, batch 512, z_dim 64, hidden width 256;
* B: a DCGAN on (N, 1, 28, 28) images uniform in [-1, 1], batch 64, z_dim 100.

``sizes(workload, **overrides)`` gives a workload's settings; the scaling study overrides
``batch`` and ``width`` (A) or ``image_size`` (B, a multiple of 4: two stride-2 convolutions).
"""

import os

WORKLOADS = {
    "A": {"batch": 512, "z_dim": 64, "width": 256, "warmup": 20, "steps": 200},
    "B": {"batch": 64, "z_dim": 100, "image_size": 28, "warmup": 3, "steps": 30},
}
POOL = 16                                   # real batches generated before timing, cycled
ADAM = {"lr": 2e-4, "betas": (0.5, 0.999), "eps": 1e-8}
RING = {"n_modes": 8, "radius": 2.0, "std": 0.02}
SLOPE = 0.2                                 # LeakyReLU's negative slope
THREADS = 2                                 # the machines have 2 cores


def threads():
    """The threads a measurement uses: ``OMP_NUM_THREADS`` as ``benchmarks.run`` sets it, else THREADS."""
    return int(os.environ.get("OMP_NUM_THREADS", THREADS))


def sizes(workload, **overrides):
    """The settings of ``workload`` ("A" or "B") with ``overrides`` applied; checks them."""
    if workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r}; choose one of {', '.join(WORKLOADS)}")
    settings = dict(WORKLOADS[workload])
    for key, value in overrides.items():
        if key not in settings:
            raise ValueError(f"workload {workload} has no setting {key!r}; it has {', '.join(settings)}")
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"workload {workload}: {key} must be a positive int, got {value!r}")
        settings[key] = value
    if workload == "B" and settings["image_size"] % 4:
        raise ValueError(f"workload B: image_size must be a multiple of 4 (two stride-2 "
                         f"convolutions), got {settings['image_size']}")
    return settings
