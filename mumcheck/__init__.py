"""mumcheck: pre-checks a municipality's МУМ section before the federal review."""

__version__ = "0.1.0"
