"""The two workloads' networks, built by the same lines in minigan and in PyTorch.

minigan's layers take PyTorch's names, arguments and parameter layouts, so each builder
takes the ``nn`` module to build with: ``minigan.nn`` or ``torch.nn``.
"""

from benchmarks.spec import SLOPE


def mlp_pair(nn, z_dim, width):
    """Workload A's G (N, z_dim) -> (N, 2) and D (N, 2) -> (N, 1): three hidden layers of ``width``."""
    def mlp(n_in, n_out):
        return nn.Sequential(
            nn.Linear(n_in, width), nn.LeakyReLU(SLOPE),
            nn.Linear(width, width), nn.LeakyReLU(SLOPE),
            nn.Linear(width, width), nn.LeakyReLU(SLOPE),
            nn.Linear(width, n_out))
    return mlp(z_dim, 2), mlp(2, 1)


def dcgan_pair(nn, z_dim, image_size):
    """Workload B's G (N, z_dim) -> (N, 1, S, S) and D (N, 1, S, S) -> (N, 1), S = ``image_size``."""
    s = image_size // 4  # two stride-2 layers: S/4 -> S/2 -> S
    G = nn.Sequential(
        nn.Linear(z_dim, 128 * s * s), nn.BatchNorm1d(128 * s * s), nn.ReLU(),
        nn.Unflatten(1, (128, s, s)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1), nn.LeakyReLU(SLOPE),
        nn.Conv2d(64, 128, 4, stride=2, padding=1), nn.BatchNorm2d(128), nn.LeakyReLU(SLOPE),
        nn.Flatten(), nn.Linear(128 * s * s, 1))
    return G, D
