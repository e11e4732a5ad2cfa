"""Fixtures for the runtime core tests."""

from __future__ import annotations

import pytest

from amplitude_ai import AIConfig, MockAmplitudeAI


@pytest.fixture
def mock() -> MockAmplitudeAI:
    """A recording AmplitudeAI with the default configuration (full content, PII redaction on)."""
    return MockAmplitudeAI()


@pytest.fixture
def make_mock():
    """Build a MockAmplitudeAI with AIConfig options: ``make_mock(content_mode="metadata_only")``."""

    def build(**options) -> MockAmplitudeAI:
        return MockAmplitudeAI(config=AIConfig(**options))

    return build


def props(event: dict) -> dict:
    return event["event_properties"]
