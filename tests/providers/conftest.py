"""Fixtures for the OpenAI wrapper tests: the real ``openai`` SDK on an in-process stub.

``openai`` is imported inside the helpers, not at module level, so the other providers' test
modules in this folder run in an environment without it (tests/compat runs them on older majors).
"""

from __future__ import annotations

import pytest

from tests.support.openai_stub import OpenAIStub

BASE_URL = "http://openai.stub/v1"


def httpx_for_openai():
    """openai 3.x sends through ``httpx2``; the 1.x/2.x majors through ``httpx``."""
    import openai

    if int(openai.__version__.split(".")[0]) >= 3:
        import httpx2

        return httpx2
    import httpx

    return httpx


@pytest.fixture
def stub():
    return OpenAIStub()


@pytest.fixture
def mock_ai():
    from amplitude_ai import MockAmplitudeAI

    return MockAmplitudeAI()


def make_openai(cls, stub, *, async_=False, **kwargs):
    """An OpenAI-family client (vendor or ours) whose HTTP goes to ``stub``."""
    import openai

    httpx = httpx_for_openai()
    if async_:
        http_client = httpx.AsyncClient(transport=stub.async_transport(httpx))
    else:
        http_client = httpx.Client(transport=stub.transport(httpx))
    kwargs.setdefault("api_key", "sk-test")
    if issubclass(cls, (openai.AzureOpenAI, openai.AsyncAzureOpenAI)):
        kwargs.setdefault("azure_endpoint", "http://azure.stub")
        kwargs.setdefault("api_version", "2024-06-01")
    else:
        kwargs.setdefault("base_url", BASE_URL)
    return cls(http_client=http_client, max_retries=0, **kwargs)


@pytest.fixture(autouse=True)
def _fresh_anonymous_warning(monkeypatch):
    """Each test sees the one-time 'no user id' warning as if it were the first call."""
    from amplitude_ai.providers import _base

    monkeypatch.setattr(_base, "_anonymous_warned", False)


@pytest.fixture(autouse=True)
def _always_unpatch():
    yield
    from amplitude_ai import patching

    patching.unpatch()
