"""Lifeline: a self-hosted remote-support platform.

See docs/architecture.md for the layers and where each feature lives.
"""

__version__ = "0.1.0"
