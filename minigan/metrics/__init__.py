"""Measures of a trained GAN: mode coverage on the 2D Gaussian mixtures, and for images the
Fréchet distance in the features of a classifier minigan trains itself, and for a conditional
generator how often it draws the class asked for and how varied its images of one class are;
the rank correlation of two series (does BEGAN's M_global fall as the FID does?)."""

from minigan.metrics.assignment import linear_sum_assignment, unsupervised_accuracy
from minigan.metrics.classifier import (
    ConvClassifier, class_histogram_scores, classifier_score, features_and_predictions,
    features_and_probabilities, fid_name, load_classifier, load_or_train_classifier, save_classifier,
    score_table, train_classifier,
)
from minigan.metrics.conditional import (
    conditional_accuracy, conditional_scores, mean_pairwise_distance, predicted_class_diversity, within_class_diversity,
)
from minigan.metrics.correlation import rankdata, spearman
from minigan.metrics.frechet import frechet_distance, frechet_distance_of_features, gaussian_stats
from minigan.metrics.modes import kl_to_uniform, mode_metrics

__all__ = ["mode_metrics", "kl_to_uniform",
           "gaussian_stats", "frechet_distance", "frechet_distance_of_features", "ConvClassifier",
           "features_and_predictions", "features_and_probabilities", "train_classifier", "save_classifier",
           "load_classifier", "load_or_train_classifier", "fid_name", "class_histogram_scores",
           "classifier_score", "score_table", "conditional_accuracy", "within_class_diversity",
           "mean_pairwise_distance", "conditional_scores", "linear_sum_assignment", "unsupervised_accuracy",
           "predicted_class_diversity", "rankdata", "spearman"]
