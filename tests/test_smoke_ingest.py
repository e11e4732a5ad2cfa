def test_real_client_reaches_loopback_server(ingest, amplitude_client):
    from amplitude import BaseEvent

    amplitude_client.track(BaseEvent(event_type="ping", user_id="user-1"))
    amplitude_client.flush()
    events = ingest.wait_for_events(1, timeout=10)
    assert [e["event_type"] for e in events] == ["ping"]
    assert events[0]["user_id"] == "user-1"
