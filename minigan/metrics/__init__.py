"""Measures of a trained GAN: mode coverage on the 2D Gaussian mixtures, and for images the
Fréchet distance in the features of a classifier minigan trains itself."""

from minigan.metrics.classifier import (
    ConvClassifier, class_histogram_scores, classifier_score, features_and_predictions,
    fid_name, load_classifier, load_or_train_classifier, save_classifier, score_table, train_classifier,
)
from minigan.metrics.frechet import frechet_distance, frechet_distance_of_features, gaussian_stats
from minigan.metrics.modes import kl_to_uniform, mode_metrics

__all__ = ["mode_metrics", "kl_to_uniform",
           "gaussian_stats", "frechet_distance", "frechet_distance_of_features", "ConvClassifier",
           "features_and_predictions", "train_classifier", "save_classifier",
           "load_classifier", "load_or_train_classifier", "fid_name", "class_histogram_scores",
           "classifier_score", "score_table"]
