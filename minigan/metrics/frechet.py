"""The Fréchet distance between two Gaussians, the heart of FID (Heusel et al., 2017).

Fit a Gaussian N(mu, S) to each set of feature vectors; the squared Fréchet (2-Wasserstein)
distance between N(mu1, S1) and N(mu2, S2) is

    d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr( (S1 S2)^(1/2) ).

S1 S2 is not symmetric, but it is similar to the symmetric positive semi-definite matrix
M = S1^(1/2) S2 S1^(1/2) (conjugate by S1^(1/2)), so both have the same eigenvalues
lambda_i >= 0 and tr((S1 S2)^(1/2)) = sum_i sqrt(lambda_i). Two symmetric eigendecompositions
(one for S1^(1/2), one for M's eigenvalues) compute it without a general matrix square root.

FID proper uses an Inception network's features; ``minigan.metrics.classifier`` uses the
features of a small classifier trained on the real digits instead, and names it so.
"""

from minigan import backend
from minigan.autograd import Tensor


def _sqrt_psd(S, xp):
    """The symmetric square root of a symmetric positive semi-definite matrix S (D, D)."""
    eigenvalues, V = xp.linalg.eigh(S)
    # rounding can leave tiny negative eigenvalues on a PSD matrix: they are 0
    return (V * xp.sqrt(xp.clip(eigenvalues, 0, None))) @ V.T  # S^(1/2) = V diag(sqrt(l)) V^T


def gaussian_stats(features):
    """The mean (D,) and covariance (D, D) (unbiased, 1 / (N - 1)) of features (N, D), N >= 2, in float64."""
    x = features.data if isinstance(features, Tensor) else features
    xp = backend.get_array_module(x)
    x = xp.asarray(x, dtype="float64")
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"gaussian_stats: features must have shape (N, D) with N >= 2, got {x.shape}")
    mu = x.mean(axis=0)
    centred = x - mu
    return mu, centred.T @ centred / (x.shape[0] - 1)


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """The squared Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2), a float >= 0.

    Args:
        mu1, mu2: means (D,).
        sigma1, sigma2: symmetric positive semi-definite covariances (D, D).
    """
    xp = backend.get_array_module(mu1, sigma1, mu2, sigma2)
    mu1, mu2 = xp.asarray(mu1, dtype="float64"), xp.asarray(mu2, dtype="float64")
    sigma1, sigma2 = xp.asarray(sigma1, dtype="float64"), xp.asarray(sigma2, dtype="float64")
    D = mu1.shape[0] if mu1.ndim == 1 else -1
    for name, value, shape in (("mu2", mu2, (D,)), ("sigma1", sigma1, (D, D)), ("sigma2", sigma2, (D, D))):
        if D < 0 or value.shape != shape:
            raise ValueError(f"frechet_distance: mu1 must have shape (D,) and {name} shape {shape}; "
                             f"got mu1 {mu1.shape} and {name} {value.shape}")
    root1 = _sqrt_psd((sigma1 + sigma1.T) / 2, xp)
    M = root1 @ sigma2 @ root1  # similar to sigma1 sigma2: same eigenvalues, but symmetric
    eigenvalues = xp.linalg.eigvalsh((M + M.T) / 2)
    trace_sqrt = xp.sqrt(xp.clip(eigenvalues, 0, None)).sum()  # tr((S1 S2)^(1/2))
    diff = mu1 - mu2
    d2 = diff @ diff + xp.trace(sigma1) + xp.trace(sigma2) - 2 * trace_sqrt
    return max(float(d2), 0.0)  # rounding can take a zero distance a hair below 0


def frechet_distance_of_features(features1, features2):
    """The Fréchet distance between Gaussians fitted to features1 (N1, D) and features2 (N2, D)."""
    return frechet_distance(*gaussian_stats(features1), *gaussian_stats(features2))
