"""Conditional GANs on DCGAN's networks: ask for a class and get it (cGAN and ACGAN).

Both models share one generator, G(z, y): the class label y (an integer in [0, K)) is
looked up in a learned table, ``embed`` (K, E), and its row joins the noise at G's input,
``cat([z, embed[y]], 1)`` (N, z_dim + E): DCGAN's generator then reads both (Mirza and
Osindero 2014; Odena et al. 2017).

They differ in how D learns the label:

* cGAN: ``ProjectionDiscriminator`` reads it. DCGAN's D turns an image into features
  h = phi(x) (N, F); its logit is the unconditional one plus the projection of h on the
  label's own learned row (Miyato and Koyama 2018):

      l(x, y) = w . h + b + embed[y] . h

  A pair (image, label) scores "real" when the image looks real *and* looks like its
  label, so a 7 labelled 1 is a fake.
* ACGAN: ``ACGANDiscriminator`` never sees the label. Beside the real/fake logit, a class
  head (a Linear layer on the same features) gives K class logits, and both players add the
  class cross-entropy to their losses (``minigan.train.ConditionalGANTrainer``).

Why a projection and not the label as input planes (K one-hot maps concatenated to the
image's channels, the other common cGAN discriminator): D's network stays exactly DCGAN's,
so the conditional demo differs from the unconditional one by the label alone; the label
costs one (K, F) table and a dot product instead of K constant planes read by the first
convolution at full resolution; and the projection is the form the optimal D's logit takes
when p(y | x) is log-linear in D's features (Miyato and Koyama 2018).

Every model checks its labels before it uses them (``check_labels``): integer class indices
(N,), one per sample, each in [0, K); anything else is a one-line ``ValueError``.
"""

from minigan import nn
from minigan.autograd import Tensor, cat
from minigan.models.dcgan import dcgan_discriminator, dcgan_generator, dcgan_init_
from minigan.nn.init import normal_


def check_labels(name, labels, n, n_classes):
    """``labels`` as a raw integer array (N,), checked: a ``ValueError`` naming ``name`` and the problem.

    Args:
        name: the model, for the message.
        labels: class indices, a Tensor or an array (not differentiable: a label is data).
        n: N, the batch size the labels must match (one label per sample).
        n_classes: K; every label must lie in [0, K).

    The range check reads the labels on the host (on CuPy a GPU sync): an index out of range
    would otherwise be wrapped silently by a GPU's gather.
    """
    raw = labels.data if isinstance(labels, Tensor) else labels
    if not hasattr(raw, "dtype") or raw.dtype.kind not in "iu":
        kind = getattr(raw, "dtype", type(raw).__name__)
        raise ValueError(f"{name}: labels must be integer class indices (a Tensor or an array), got {kind}")
    if raw.shape != (n,):
        raise ValueError(f"{name}: labels must have shape ({n},), one class per sample, got {raw.shape}")
    if n and bool(((raw < 0) | (raw >= n_classes)).any()):
        raise ValueError(f"{name}: labels must be classes in [0, {n_classes - 1}], got values from "
                         f"{int(raw.min())} to {int(raw.max())}")
    return raw


def _features_and_head(image_size, channels, width, dtype, batch_norm, full_res_width):
    """DCGAN's discriminator cut before its last Linear: ``(features, head)``, where
    ``features`` maps images (N, C, S, S) to h (N, F) and ``head`` is the Linear(F, 1)."""
    net = dcgan_discriminator(image_size, channels, width, dtype, batch_norm, full_res_width)
    return net[:-1], net[-1]


class ConditionalGenerator(nn.Module):
    """G(z, y): noise (N, z_dim) and class labels (N,) -> images (N, channels, S, S) in [-1, 1].

    Args:
        z_dim: the size of the noise vector.
        n_classes: K, the number of classes.
        image_size, channels, width, dtype, full_res_width: DCGAN's generator's
            (``dcgan_generator``), which reads z_dim + embedding_dim numbers.
        embedding_dim: E, the size of a label's learned row (default K, as
            eriklindernoren/PyTorch-GAN's cGAN).

    Attributes:
        embed: ``Embedding(K, E)``, each row ~ N(0, 1) as z is (PyTorch's default), so that
            the label starts on the scale of the noise it joins.
        main: DCGAN's generator.
    """

    def __init__(self, z_dim, n_classes, image_size=8, channels=1, width=64, dtype="float32", full_res_width=0,
                 embedding_dim=None):
        super().__init__()
        self.n_classes = n_classes
        embedding_dim = embedding_dim or n_classes
        self.embed = nn.Embedding(n_classes, embedding_dim, dtype=dtype)
        self.main = dcgan_generator(z_dim + embedding_dim, image_size, channels, width, dtype, full_res_width)

    def forward(self, z, labels):
        """Images (N, C, S, S) of the classes ``labels`` (N,) from noise z (N, z_dim)."""
        labels = check_labels(type(self).__name__, labels, z.shape[0], self.n_classes)
        # the label's row joins the noise: (N, z_dim) and (N, E) -> (N, z_dim + E)
        return self.main(cat([z, self.embed(labels)], 1))


class ProjectionDiscriminator(nn.Module):
    """cGAN's D(x, y): images (N, C, S, S) and their labels (N,) -> logits (N, 1).

    l = head(h) + sum_f embed[y]_f h_f with h = features(x): DCGAN's discriminator with the
    label's row of ``embed`` projected on its features (Miyato and Koyama 2018).

    Args:
        n_classes: K.
        image_size, channels, width, dtype, batch_norm, full_res_width: DCGAN's
            discriminator's (``dcgan_discriminator``).

    Attributes:
        features: DCGAN's D up to its flattened features h (N, F), F = 2 width (S/4)^2.
        head: Linear(F, 1), the unconditional logit w . h + b.
        embed: Embedding(K, F), initialised ~ N(0, 0.02) as DCGAN's weights, so that the
            label's term starts as small as the head's.
    """

    def __init__(self, n_classes, image_size=8, channels=1, width=64, dtype="float32", batch_norm=True,
                 full_res_width=0):
        super().__init__()
        self.n_classes = n_classes
        self.features, self.head = _features_and_head(image_size, channels, width, dtype, batch_norm, full_res_width)
        self.embed = nn.Embedding(n_classes, self.head.in_features, dtype=dtype)
        normal_(self.embed.weight, 0.0, 0.02)

    def forward(self, x, labels):
        """Logits (N, 1) of images x (N, C, S, S) as real images of the classes ``labels`` (N,)."""
        labels = check_labels(type(self).__name__, labels, x.shape[0], self.n_classes)
        h = self.features(x)
        # the projection: l = w . h + b + embed[y] . h
        return self.head(h) + (self.embed(labels) * h).sum(axis=1, keepdims=True)


class ACGANDiscriminator(nn.Module):
    """ACGAN's D(x): images (N, C, S, S) -> (real/fake logits (N, 1), class logits (N, K)).

    DCGAN's discriminator with a second head beside its last Linear: an auxiliary classifier
    (Odena et al. 2017) on the same features. It never sees a label; the trainer gives its
    class logits a cross-entropy against the class of a real image or the class G was asked for.

    Args:
        n_classes: K.
        image_size, channels, width, dtype, batch_norm, full_res_width: DCGAN's
            discriminator's (``dcgan_discriminator``).

    Attributes:
        features: DCGAN's D up to its flattened features h (N, F).
        head: Linear(F, 1), the real/fake logit.
        class_head: Linear(F, K), the class logits; DCGAN initialisation.
    """

    def __init__(self, n_classes, image_size=8, channels=1, width=64, dtype="float32", batch_norm=True,
                 full_res_width=0):
        super().__init__()
        self.n_classes = n_classes
        self.features, self.head = _features_and_head(image_size, channels, width, dtype, batch_norm, full_res_width)
        self.class_head = dcgan_init_(nn.Linear(self.head.in_features, n_classes, dtype=dtype))

    def forward(self, x):
        """``(logits (N, 1), class logits (N, K))`` of images x (N, C, S, S)."""
        h = self.features(x)
        return self.head(h), self.class_head(h)

