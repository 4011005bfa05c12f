"""Bagalau: Kazakhstan's state-body assessment methodologies, executable and explainable."""

__version__ = "0.1.0"
