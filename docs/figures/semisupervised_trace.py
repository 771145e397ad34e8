"""Print the trace of the semi-supervised GAN's unsupervised loss on a tiny classifier.

    python docs/figures/semisupervised_trace.py

Three unlabelled and three generated 8x8 images go through a ``SemiSupervisedClassifier``
(widths 2, 4 and 8, 4 features; evaluation mode, so that the noise and dropout rows do not
crowd the table) and ``unsupervised_loss``; its backward is traced with ``minigan.trace()``.
No label is read, yet the last line lists every parameter of the classifier, its class head
included: docs/semisupervised.md reads the table.
"""

import minigan
from minigan.gan.semisupervised import unsupervised_loss
from minigan.models.semisupervised import SemiSupervisedClassifier

minigan.manual_seed(0)
D = SemiSupervisedClassifier(8, 1, 10, width=2, n_features=4).eval()
unlabelled, generated = minigan.rand(3, 1, 8, 8) * 2 - 1, minigan.rand(3, 1, 8, 8) * 2 - 1
with minigan.trace(D=D) as t:
    t.section("unlabelled and generated images, no label")
    loss = unsupervised_loss(D(unlabelled), D(generated))
    loss.backward()
print(t)
