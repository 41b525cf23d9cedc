"""The reviewers' dashboard: widgets (``Dashboard``), the data they show, and the Voila server."""

from .widgets import Dashboard, serve

__all__ = ["Dashboard", "serve"]
