"""Input checks for the tracking calls.

The same checks always run (they are cheap). With ``AIConfig(validate=True)`` a failed check
raises :class:`~amplitude_ai.ValidationError`; otherwise the client logs one warning and sends
nothing for that call. Each check returns ``None`` when the value is fine, or the corrected value.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from ..exceptions import ValidationError

_INF = float("inf")
_NINF = float("-inf")

__all__ = [
    "ValidationError",
    "check_user",
    "check_non_negative",
    "check_count",
    "check_number",
    "check_score_value",
    "check_name",
    "check_choice",
]


def check_user(user_id: Any, device_id: Any) -> Optional[str]:
    """A non-empty string user id (ints are accepted and stringified) or a device id."""
    if type(user_id) is str and user_id and not user_id[0].isspace():
        return user_id
    if user_id is None:
        if device_id is None or device_id == "":
            raise ValidationError(
                "user_id is required: pass user_id=... or open a session with agent.session(user_id=...)"
            )
        return None
    if isinstance(user_id, bool) or not isinstance(user_id, (str, int)):
        raise ValidationError(f"user_id must be a string, got {type(user_id).__name__}")
    user_id = str(user_id)
    if not user_id.strip():
        raise ValidationError("user_id must not be empty")
    return user_id


def check_number(name: str, value: Any) -> Any:
    if value is None:
        return None
    if type(value) is float or type(value) is int:  # the common case, checked first
        if value == value and value not in (_INF, _NINF):
            return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"{name} must be a finite number, got {value!r}")
    return value


def check_non_negative(name: str, value: Any) -> Any:
    value = check_number(name, value)
    if value is not None and value < 0:
        raise ValidationError(f"{name} must not be negative, got {value!r}")
    return value


def check_count(name: str, value: Any) -> Optional[int]:
    """A token count or dimension: a non-negative integer (integral floats are accepted)."""
    if type(value) is int and value >= 0:
        return value
    value = check_non_negative(name, value)
    if value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(f"{name} must be a whole number, got {value!r}")
        value = int(value)
    return value


def check_score_value(value: Any) -> float:
    if value is None:
        raise ValidationError("score value is required")
    if isinstance(value, bool):
        return float(value)
    if not isinstance(value, (int, float)):
        raise ValidationError(f"score value must be numeric, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"score value must be a finite number, got {value!r}")
    return value


def check_name(name: str, value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{name} is required and must not be empty")
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string, got {type(value).__name__}")
    return value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValidationError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value
