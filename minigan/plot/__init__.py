"""Figures, headless (no display needed). Host-only: every function takes NumPy arrays, or
plain Python data (``save_trace_graph``: a ``TraceGraph`` of shapes, names and norms)."""

from minigan.plot.confusion import save_confusion_matrix
from minigan.plot.curves import save_training_curves
from minigan.plot.gan2d import save_animation, save_samples_figure
from minigan.plot.graph import save_trace_graph
from minigan.plot.images import save_grid_animation, save_image_grid, tile

__all__ = ["save_training_curves", "save_samples_figure", "save_animation",
           "tile", "save_image_grid", "save_grid_animation", "save_trace_graph", "save_confusion_matrix"]
