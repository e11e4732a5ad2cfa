"""The codemods ``amplitude-ai fix`` applies: one LibCST transform per file.

Each module holds one transform class, its ``DESCRIPTION`` and its ``EXAMPLES``
(name, before, after): the examples are the documentation and the snapshot suite is
generated from them. Transforms are planned from the scanner's findings by
``amplitude_ai.codemods.instrument``; they never detect anything themselves.
"""

from __future__ import annotations

from ._common import AppTarget, ClientTarget, HandlerTarget, Outcome, Setup
from .add_middleware import AddMiddleware
from .swap_client import SwapClient
from .wrap_client import WrapClient
from .wrap_session import WrapSession

# in the order instrument.py applies them
TRANSFORMS = (SwapClient, WrapClient, AddMiddleware, WrapSession)

__all__ = [
    "TRANSFORMS",
    "AddMiddleware",
    "AppTarget",
    "ClientTarget",
    "HandlerTarget",
    "Outcome",
    "Setup",
    "SwapClient",
    "WrapClient",
    "WrapSession",
]
