"""Ready-made networks for the demos and benchmarks, built from ``minigan.nn`` layers."""

from minigan.models.mlp import Pack, mlp, mlp_discriminator, mlp_generator

__all__ = ["Pack", "mlp", "mlp_generator", "mlp_discriminator"]
from minigan.models.dcgan import dcgan_discriminator, dcgan_generator, dcgan_init_, feature_map_size

__all__ += ["dcgan_generator", "dcgan_discriminator", "dcgan_init_", "feature_map_size"]
from minigan.models.conditional import (
    ACGANDiscriminator, ConditionalGenerator, ProjectionDiscriminator, check_labels,
)

__all__ += ["ConditionalGenerator", "ProjectionDiscriminator", "ACGANDiscriminator", "check_labels"]
from minigan.models.infogan import InfoGANDiscriminator, InfoGANGenerator

__all__ += ["InfoGANGenerator", "InfoGANDiscriminator"]
from minigan.models.semisupervised import GaussianNoise, SemiSupervisedClassifier

__all__ += ["SemiSupervisedClassifier", "GaussianNoise"]
from minigan.models.translation import (
    DiscriminatorPair, GeneratorPair, PatchDiscriminator, ResidualBlock, ResNetGenerator, UNetGenerator,
)

__all__ += ["UNetGenerator", "ResNetGenerator", "ResidualBlock", "PatchDiscriminator", "GeneratorPair",
            "DiscriminatorPair"]
from minigan.models.began import (
    BEGANDiscriminator, BEGANGenerator, began_decoder, began_encoder, began_init_, reconstruction_loss,
)

__all__ += ["BEGANGenerator", "BEGANDiscriminator", "began_decoder", "began_encoder", "began_init_",
            "reconstruction_loss"]
