"""The one place the library's version lives."""

__version__ = "0.1.0"
