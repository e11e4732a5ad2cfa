"""Shared fixtures. Area-specific fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import pytest

from tests.support.ingest_server import IngestServer


@pytest.fixture
def ingest():
    """A fresh loopback ingestion server; ``ingest.url`` is the HTTP API endpoint."""
    server = IngestServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def amplitude_client(ingest):
    """The real amplitude-analytics client, pointed at the loopback server, flushing fast."""
    from amplitude import Amplitude, Config

    client = Amplitude(
        "test-api-key",
        Config(server_url=ingest.url, flush_interval_millis=50, flush_queue_size=200, flush_max_retries=3),
    )
    try:
        yield client
    finally:
        client.shutdown()


@pytest.fixture(autouse=True)
def _no_ambient_amplitude_env(monkeypatch):
    """Tests never pick up a developer's real key or settings from the environment."""
    for name in (
        "AMPLITUDE_AI_API_KEY",
        "AMPLITUDE_AI_SERVER_URL",
        "AMPLITUDE_AI_CONTENT_MODE",
        "AMPLITUDE_AI_DEBUG",
        "AMPLITUDE_AI_DRY_RUN",
    ):
        monkeypatch.delenv(name, raising=False)
