"""Exceptions raised by amplitude-ai.

Tracking never raises into the host application unless ``AIConfig(validate=True)`` asks it to;
then bad input raises :class:`ValidationError`.
"""

from __future__ import annotations


class AmplitudeAIError(Exception):
    """Base class for every error amplitude-ai raises on purpose."""


class ValidationError(AmplitudeAIError, ValueError):
    """A tracking call received input that would produce a wrong or rejected event."""
