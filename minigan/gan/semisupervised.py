"""The semi-supervised GAN's losses (Salimans et al. 2016), on a classifier's K class logits.

The classifier ``minigan.models.SemiSupervisedClassifier`` returns logits l (N, K) for the K
real classes; the "generated" class's logit is fixed at 0, so with Z = sum_k exp(l_k)

    D(x) = p(real | x) = Z / (Z + 1) = sigmoid(lse(l)),    lse(l) = logsumexp(l) = log Z,

and D's logit of "real" is lse(l). Each log-probability is a softplus of it, finite for any
logit (``minigan.autograd.reductions.LogSumExp`` subtracts the largest logit before exp):

    -log D(x)     = -[lse(l) - softplus(lse(l))] = softplus(-lse(l))
    -log(1 - D(x)) = log(Z + 1)                   = softplus(lse(l))

using softplus(u) - u = softplus(-u). D minimises, on one labelled, one unlabelled and one
generated batch (docs/semisupervised.md):

    supervised_loss   = mean over the labelled batch of -log p(y | x, real), the K-class
                        cross-entropy (the "generated" class drops out given "real")
    unsupervised_loss = mean over real x of -log D(x) + mean over G(z) of -log(1 - D(G(z)))

and G minimises ``feature_matching_loss``, the squared distance between the mean features of
a real and a generated batch.
"""

from minigan.autograd import no_grad
from minigan.autograd.reductions import logsumexp
from minigan.nn import functional as F


def _check_logits(name, logits):
    """Raise a clear error unless ``logits`` is (N, K): one row of K class logits per image."""
    if logits.ndim != 2:
        raise ValueError(f"{name}: expected class logits (N, K), got shape {logits.shape}")


def real_logit(logits):
    """lse(l) = log sum_k exp(l_k) (N,): D's logit of "real", for class logits (N, K)."""
    _check_logits("real_logit", logits)
    return logsumexp(logits, 1)


def real_probability(logits):
    """D(x) = Z / (Z + 1) = sigmoid(lse(l)) (N,) as a raw array, for logging (no graph)."""
    with no_grad():
        return F.sigmoid(real_logit(logits)).data


def supervised_loss(logits, labels):
    """The K-class cross-entropy of labelled images: mean of -log p(y | x, real).

    Args:
        logits: class logits (N, K) of a labelled batch.
        labels: their classes (N,), integers in [0, K).

    Given "real", the "generated" class drops out: p(y | x, real) = exp(l_y) / Z.
    """
    _check_logits("supervised_loss", logits)
    return F.cross_entropy(logits, labels)


def unsupervised_loss(real_logits, fake_logits):
    """D's real/generated loss: mean -log D(x) on real images + mean -log(1 - D(G(z))) on generated.

    Args:
        real_logits: class logits (N, K) of unlabelled real images.
        fake_logits: class logits (M, K) of generated images.

    Returns a 0-d Tensor, finite for any logits.
    """
    # -log D(x) = -[lse(l) - softplus(lse(l))] = softplus(-lse(l))
    loss_real = F.softplus(-real_logit(real_logits)).mean()
    # -log(1 - D(G(z))) = -[0 - softplus(lse(l))] = softplus(lse(l))
    loss_fake = F.softplus(real_logit(fake_logits)).mean()
    return loss_real + loss_fake


def feature_matching_loss(real_features, fake_features):
    """G's loss: ||mean f(x) - mean f(G(z))||^2, f being D's features (N, F) and (M, F).

    G matches the statistics of real images in the features D uses to classify them, instead
    of maximising D's output directly (Salimans et al. 2016, section 3.1). ``real_features``
    needs no graph: only G's side is differentiated.
    """
    difference = real_features.mean(0) - fake_features.mean(0)  # (F,)
    return (difference * difference).sum()
