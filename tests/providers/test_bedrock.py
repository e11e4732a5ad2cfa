"""Bedrock wrapper: a real boto3 ``bedrock-runtime`` client against a loopback endpoint that
speaks JSON and the AWS event-stream encoding (see ``tests/support/provider_stubs_bedrock.py``)."""

from __future__ import annotations

import gc
import json

import boto3
import botocore.client
import botocore.eventstream
import botocore.response
import pytest

from amplitude_ai.providers.bedrock import Bedrock
from tests.support.provider_stubs_bedrock import (
    CLAUDE_ON_BEDROCK,
    BedrockReply,
    BedrockServer,
    anthropic_invoke_body,
    anthropic_invoke_stream,
    chunk,
    converse_response,
    converse_stream_events,
    exception,
)

# runs once the runtime core (amplitude_ai.testing) is present
MockAmplitudeAI = pytest.importorskip("amplitude_ai.testing").MockAmplitudeAI
from tests.support.provider_stubs_http import AI_RESPONSE, USER_MESSAGE, events_of, only

MESSAGES = [{"role": "user", "content": [{"text": "Explain funnels"}]}]


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture
def server():
    srv = BedrockServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def mock():
    return MockAmplitudeAI()


def _clients(mock, server):
    tracked = Bedrock(amplitude=mock, region_name="us-east-1", endpoint_url=server.url)
    plain = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=server.url)
    return tracked, plain


def _strip(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_bedrock_is_a_real_boto3_client(mock, server):
    client, plain = _clients(mock, server)
    assert isinstance(client, Bedrock)
    assert isinstance(client, botocore.client.BaseClient)
    assert type(client).__name__ == type(plain).__name__ == "BedrockRuntime"
    assert client.meta.region_name == "us-east-1"
    assert client.can_paginate("converse") is False  # untracked operations are the SDK's own


def test_converse_tracks_and_returns_the_same_dict(mock, server):
    client, plain = _clients(mock, server)
    tool = {"name": "get_chart", "input": {"id": 2}}
    server.queue(BedrockReply.json(converse_response(tool=tool, reasoning="Think first.")), BedrockReply.json(converse_response(tool=tool, reasoning="Think first.")))
    kwargs = dict(
        modelId=CLAUDE_ON_BEDROCK,
        messages=MESSAGES,
        system=[{"text": "Be brief."}],
        inferenceConfig={"temperature": 0.5, "topP": 0.9, "maxTokens": 200},
        toolConfig={"tools": [{"toolSpec": {"name": "get_chart", "description": "d", "inputSchema": {"json": {"type": "object"}}}}]},
    )
    expected = plain.converse(**kwargs)
    got = client.converse(**kwargs, amplitude_user_id="user-1")
    assert _strip(got) == _strip(expected)
    assert "amplitude_user_id" not in json.dumps(server.requests[-1][1])

    assert only(mock, USER_MESSAGE)["user_id"] == "user-1"
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Provider"] == "bedrock"
    assert ai["[Agent] Model Name"] == CLAUDE_ON_BEDROCK
    assert ai["[Agent] Input Tokens"] == 30 and ai["[Agent] Output Tokens"] == 12
    assert ai["[Agent] Finish Reason"] == "tool_use"
    assert json.loads(ai["[Agent] Tool Calls"])[0]["function"] == {"name": "get_chart", "arguments": {"id": 2}}
    assert ai["[Agent] Has Reasoning"] is True
    assert ai["[Agent] Temperature"] == 0.5 and ai["[Agent] Top P"] == 0.9 and ai["[Agent] Max Output Tokens"] == 200
    assert ai["[Agent] System Prompt Length"] == len("Be brief.")
    assert ai["[Agent] Tool Definitions Count"] == 1
    assert ai["[Agent] Is Streaming"] is False


def test_converse_error_reraised_unchanged(mock, server):
    client, plain = _clients(mock, server)
    server.queue(BedrockReply.error(400, "ValidationException", "bad input"), BedrockReply.error(400, "ValidationException", "bad input"))
    with pytest.raises(plain.exceptions.ValidationException) as plain_err:
        plain.converse(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES)
    with pytest.raises(client.exceptions.ValidationException) as err:
        client.converse(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES, amplitude_user_id="u")
    assert type(err.value) is type(plain_err.value)
    assert err.value.response["Error"] == plain_err.value.response["Error"]
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Error"] is True and "bad input" in ai["[Agent] Error Message"]


def test_converse_stream_identical_events_and_one_record(mock, server):
    client, plain = _clients(mock, server)
    tool = {"name": "get_chart", "input": {"id": 5}}
    server.queue(BedrockReply.stream(converse_stream_events(tool=tool)), BedrockReply.stream(converse_stream_events(tool=tool)))
    expected = list(plain.converse_stream(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES)["stream"])
    response = client.converse_stream(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES, amplitude_user_id="u")
    stream = response["stream"]
    assert isinstance(stream, botocore.eventstream.EventStream)
    got = list(stream)
    assert got == expected
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 30 and ai["[Agent] Output Tokens"] == 12
    assert ai["[Agent] Finish Reason"] == "tool_use"
    assert json.loads(ai["[Agent] Tool Calls"])[0]["function"]["arguments"] == {"id": 5}


@pytest.mark.parametrize("how", ["close", "gc"])
def test_converse_stream_ended_early_records_once(mock, server, how):
    client, _ = _clients(mock, server)
    server.queue(BedrockReply.stream(converse_stream_events()))
    stream = client.converse_stream(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES, amplitude_user_id="u")["stream"]
    for _ in stream:
        break
    if how == "close":
        stream.close()
    else:
        del stream
        gc.collect()
    assert only(mock, AI_RESPONSE)["[Agent] Is Streaming"] is True


def test_converse_stream_error_event_reraised(mock, server):
    client, _ = _clients(mock, server)
    server.queue(BedrockReply.stream(converse_stream_events()[:2] + [exception("modelStreamErrorException", "model broke")]))
    stream = client.converse_stream(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES, amplitude_user_id="u")["stream"]
    with pytest.raises(Exception) as err:
        for _ in stream:
            pass
    assert "model broke" in str(err.value)
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Error"] is True


def test_invoke_model_body_still_readable_and_tokens_parsed(mock, server):
    client, _ = _clients(mock, server)
    server.queue(BedrockReply.json(anthropic_invoke_body()))
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100, "system": "Be brief.", "messages": [{"role": "user", "content": "Explain funnels"}]}
    response = client.invoke_model(modelId=CLAUDE_ON_BEDROCK, body=json.dumps(body), amplitude_user_id="u")
    assert isinstance(response["body"], botocore.response.StreamingBody)
    assert json.loads(response["body"].read()) == anthropic_invoke_body()
    assert only(mock, USER_MESSAGE)["[Agent] Message Source"] == "user"
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Input Tokens"] == 25 and ai["[Agent] Output Tokens"] == 9
    assert ai["[Agent] Finish Reason"] == "end_turn"
    assert ai["[Agent] Max Output Tokens"] == 100


@pytest.mark.parametrize(
    ("request_body", "reply", "tokens"),
    [
        (
            {"inputText": "Explain funnels", "textGenerationConfig": {"maxTokenCount": 50}},
            {"inputTextTokenCount": 4, "results": [{"tokenCount": 6, "outputText": "Steps.", "completionReason": "FINISH"}]},
            (4, 6),
        ),
        (
            {"prompt": "Explain funnels", "max_gen_len": 50},
            {"generation": "Steps.", "prompt_token_count": 5, "generation_token_count": 7, "stop_reason": "stop"},
            (5, 7),
        ),
    ],
    ids=["titan", "llama"],
)
def test_invoke_model_other_families(mock, server, request_body, reply, tokens):
    client, _ = _clients(mock, server)
    server.queue(BedrockReply.json(reply))
    client.invoke_model(modelId="some.model-v1", body=json.dumps(request_body), amplitude_user_id="u")
    ai = only(mock, AI_RESPONSE)
    assert (ai["[Agent] Input Tokens"], ai["[Agent] Output Tokens"]) == tokens


def test_invoke_model_token_headers_are_a_fallback(mock, server):
    client, _ = _clients(mock, server)
    server.queue(BedrockReply.json({"unknown": "shape"}, headers={"x-amzn-bedrock-input-token-count": "11", "x-amzn-bedrock-output-token-count": "3"}))
    client.invoke_model(modelId="some.model-v1", body=b"{}", amplitude_user_id="u")
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Input Tokens"] == 11 and ai["[Agent] Output Tokens"] == 3


def test_invoke_model_with_response_stream(mock, server):
    client, plain = _clients(mock, server)
    server.queue(BedrockReply.stream(anthropic_invoke_stream()), BedrockReply.stream(anthropic_invoke_stream()))
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]})
    expected = list(plain.invoke_model_with_response_stream(modelId=CLAUDE_ON_BEDROCK, body=body)["body"])
    got = list(client.invoke_model_with_response_stream(modelId=CLAUDE_ON_BEDROCK, body=body, amplitude_user_id="u")["body"])
    assert got == expected
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Is Streaming"] is True
    assert ai["[Agent] Input Tokens"] == 25 and ai["[Agent] Output Tokens"] == 9
    assert ai["[Agent] Finish Reason"] == "end_turn"


def test_invoke_stream_titan_chunks(mock, server):
    client, _ = _clients(mock, server)
    server.queue(
        BedrockReply.stream(
            [
                chunk({"outputText": "Steps ", "index": 0, "inputTextTokenCount": 4}),
                chunk({"outputText": "matter.", "index": 0, "completionReason": "FINISH", "amazon-bedrock-invocationMetrics": {"inputTokenCount": 4, "outputTokenCount": 2}}),
            ]
        )
    )
    list(client.invoke_model_with_response_stream(modelId="amazon.titan-text-express-v1", body=b'{"inputText": "x"}', amplitude_user_id="u")["body"])
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Output Tokens"] == 2 and ai["[Agent] Finish Reason"] == "FINISH"


def test_session_patch_and_wrap(mock, server):
    from amplitude_ai import patch_bedrock, unpatch, wrap

    server.queue(*[BedrockReply.json(converse_response()) for _ in range(4)])
    vendor_client = boto3.client
    try:
        assert patch_bedrock(amplitude=mock)
        patched = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=server.url)
        session_made = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1", endpoint_url=server.url)
        other = boto3.client("sts", region_name="us-east-1")
        assert not isinstance(other, Bedrock)
        with mock.agent("b-bot", user_id="user-7").session(session_id="s-b"):
            patched.converse(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES)
        session_made.converse(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES, amplitude_user_id="u")
    finally:
        unpatch()
    assert boto3.client is vendor_client
    first, second = events_of(mock, AI_RESPONSE)
    assert first["[Agent] Session ID"] == "s-b" and first["user_id"] == "user-7"
    assert events_of(mock, USER_MESSAGE) == []  # patch(): AI Response only

    original = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=server.url)
    tracked = wrap(original, amplitude=mock)
    assert isinstance(tracked, Bedrock) and not isinstance(original, Bedrock)
    tracked.converse(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES, amplitude_user_id="u")
    original.converse(modelId=CLAUDE_ON_BEDROCK, messages=MESSAGES)
    assert len(events_of(mock, AI_RESPONSE)) == 3


def test_invoke_model_binary_body_is_left_unread(mock, server):
    client, _ = _clients(mock, server)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    server.queue(bed_reply := BedrockReply(200, png, "image/png", {"x-amzn-bedrock-input-token-count": "7"}))
    assert bed_reply.content_type == "image/png"
    response = client.invoke_model(modelId="stability.sd3-large-v1:0", body=b'{"prompt": "a funnel"}', amplitude_user_id="u")
    assert response["contentType"] == "image/png"
    assert response["body"].read() == png
    ai = only(mock, AI_RESPONSE)
    assert ai["[Agent] Input Tokens"] == 7
    assert only(mock, USER_MESSAGE)["user_id"] == "u"
