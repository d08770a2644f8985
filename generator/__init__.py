"""Personalized, print-ready PDF handouts and worksheets from Markdown content modules."""

__version__ = "0.1.0"
