"""PII redaction and content modes (amplitude_ai.core.privacy)."""

from __future__ import annotations

import enum
import json
import logging
from pathlib import Path

import pytest

from amplitude_ai.core.privacy import (
    ContentPolicy,
    Redactor,
    content_allowed,
    content_mode_value,
    redact_builtin,
)

VECTORS = json.loads((Path(__file__).parent / "pii_vectors.json").read_text(encoding="utf-8"))["vectors"]


def test_vector_file_covers_every_category():
    categories = {v["category"] for v in VECTORS}
    assert {"email", "phone_us", "phone_intl", "credit_card", "ssn", "ipv4", "ipv6", "negative"} <= categories
    assert len(VECTORS) >= 40
    assert len({v["id"] for v in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vectors(vector):
    assert Redactor().redact(vector["input"]) == vector["expected"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vectors_inside_long_text(vector):
    """Same result when the snippet sits in the middle of a long message."""
    pad = "Some ordinary words, nothing private here. " * 30
    text = f"{pad}{vector['input']} {pad}"
    assert Redactor().redact(text) == f"{pad}{vector['expected']} {pad}"


def test_redaction_is_idempotent():
    for vector in VECTORS:
        once = Redactor().redact(vector["input"])
        assert Redactor().redact(once) == once


def test_redact_pii_false_leaves_text_alone():
    text = "mail a@b.io, call 555-123-4567"
    assert Redactor(redact_pii=False).redact(text) == text


def test_custom_patterns_plain_and_labelled_run_after_builtins():
    r = Redactor(custom_patterns=[r"\bACCT-\d{6,}\b", (r"\bORD-[A-Z0-9]+\b", "[order_id]")])
    assert r.redact("ACCT-123456 ORD-X9 mail a@b.io") == "[REDACTED] [order_id] mail [email]"
    # after the built-ins: a custom pattern sees the placeholders, not the raw e-mail
    r2 = Redactor(custom_patterns=[(r"\[email\]", "<gone>")])
    assert r2.redact("to a@b.io") == "to <gone>"


def test_custom_label_is_literal_not_a_template():
    r = Redactor(custom_patterns=[(r"(secret)", r"\1-\g<0>")])
    assert r.redact("a secret") == r"a \1-\g<0>"


def test_custom_patterns_apply_when_builtins_are_off():
    r = Redactor(redact_pii=False, custom_patterns=[r"\bACCT-\d+\b"])
    assert r.redact("ACCT-1 a@b.io") == "[REDACTED] a@b.io"


@pytest.mark.parametrize(
    "patterns",
    [[r"(unclosed"], [("[bad", "[x]")]],
)
def test_invalid_custom_regex_fails_at_construction(patterns):
    with pytest.raises(ValueError, match="invalid regular expression"):
        Redactor(custom_patterns=patterns)


@pytest.mark.parametrize("entry", [42, ("only-one",), ("a", "b", "c"), ("a", 1)])
def test_malformed_custom_entry_fails_at_construction(entry):
    with pytest.raises(ValueError, match="custom_redaction_patterns"):
        Redactor(custom_patterns=[entry])


def test_custom_fn_runs_last_on_redacted_text():
    seen = []

    def fn(text):
        seen.append(text)
        return text.replace("Jane", "[name]")

    r = Redactor(custom_patterns=[r"ACCT-\d+"], custom_fn=fn)
    assert r.redact("Jane ACCT-1 a@b.io") == "[name] [REDACTED] [email]"
    assert seen == ["Jane [REDACTED] [email]"]


def test_failing_custom_fn_keeps_earlier_tiers_and_warns_once(caplog):
    def boom(text):
        raise RuntimeError("engine down")

    r = Redactor(custom_fn=boom)
    with caplog.at_level(logging.DEBUG, logger="amplitude_ai"):
        assert r.redact("mail a@b.io") == "mail [email]"
        assert r.redact("call 555-123-4567") == "call [phone]"
    warnings = [rec for rec in caplog.records if rec.levelno == logging.WARNING and rec.name == "amplitude_ai"]
    assert len(warnings) == 1
    assert "engine down" in warnings[0].getMessage()
    assert warnings[0].exc_info is None


def test_custom_fn_returning_non_string_is_ignored(caplog):
    r = Redactor(custom_fn=lambda text: None)
    with caplog.at_level(logging.WARNING, logger="amplitude_ai"):
        assert r.redact("mail a@b.io") == "mail [email]"
    assert any("returned NoneType" in rec.getMessage() for rec in caplog.records)


def test_non_callable_custom_fn_rejected():
    with pytest.raises(ValueError, match="callable"):
        Redactor(custom_fn="not a function")


def test_empty_and_plain_text_pass_through():
    r = Redactor()
    assert r.redact("") == ""
    plain = "Nothing private in this sentence at all."
    assert r.redact(plain) is plain


def test_digit_heavy_text_keeps_non_pii():
    text = "; ".join(f"row {n}: {n * 7} units at {n / 8:.2f}, v{n % 9}.{n % 7}.{n % 5}" for n in range(1000, 3000))
    assert redact_builtin(text) == text


def test_four_digit_groups_that_pass_luhn_are_treated_as_cards():
    # Mastercard-shaped (2221-2720) and Luhn-valid: redacted even in a list of numbers
    assert redact_builtin("2248 2249 2250 2251") == "[credit_card]"
    assert redact_builtin("2246 2247 2248 2249") == "2246 2247 2248 2249"  # Luhn fails


class FakeContentMode(enum.Enum):  # same shape as amplitude_ai.config.ContentMode
    FULL = "full"
    METADATA_ONLY = "metadata_only"
    CUSTOMER_ENRICHED = "customer_enriched"


@pytest.mark.parametrize(
    ("mode", "allowed"),
    [
        ("full", True),
        ("FULL", True),
        (None, True),
        ("metadata_only", False),
        ("customer_enriched", False),
        (FakeContentMode.FULL, True),
        (FakeContentMode.METADATA_ONLY, False),
        (FakeContentMode.CUSTOMER_ENRICHED, False),
    ],
)
def test_content_allowed(mode, allowed):
    assert content_allowed(mode) is allowed


def test_real_content_mode_enum_if_present():
    config = pytest.importorskip("amplitude_ai.config")
    mode = getattr(config, "ContentMode", None)
    if mode is None:
        pytest.skip("ContentMode not defined yet")
    assert content_allowed(mode.FULL) is True
    assert content_allowed(mode.METADATA_ONLY) is False
    assert content_allowed(mode.CUSTOMER_ENRICHED) is False


def test_unknown_content_mode_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown content mode 'everything'"):
        content_mode_value("everything")


@pytest.mark.parametrize("mode", ["metadata_only", "customer_enriched"])
def test_policy_sends_no_text_outside_full_mode(mode):
    policy = ContentPolicy(mode, Redactor())
    assert policy.text("hello a@b.io") is None
    assert policy.json({"query": "hello"}) is None
    assert policy.text("") is None


def test_policy_full_mode_redacts_text_and_json():
    policy = ContentPolicy("full", Redactor())
    assert policy.text("hello a@b.io") == "hello [email]"
    out = policy.json({"email": "a@b.io", "n": 1})
    assert json.loads(out) == {"email": "[email]", "n": 1}
    assert policy.text(None) is None


def test_policy_json_handles_unserializable_values():
    class Thing:
        def __str__(self):
            return "thing at 10.0.0.1"

    policy = ContentPolicy("full", Redactor())
    assert json.loads(policy.json({"x": Thing()})) == {"x": "thing at [ip_address]"}


def test_ipv6_validation_agrees_with_the_standard_library():
    """Random hex/colon tokens: our validator accepts exactly what ipaddress accepts (bar a bare '::')."""
    import ipaddress
    import random

    from amplitude_ai.core.privacy import _is_ipv6

    rng = random.Random(5)
    for _ in range(20_000):
        parts = [
            "" if rng.random() < 0.2 else "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(rng.randint(1, 5)))
            for _ in range(rng.randint(1, 9))
        ]
        token = ":".join(parts)
        if rng.random() < 0.15:
            token += ":" + ".".join(str(rng.randint(0, 300)) for _ in range(rng.choice([3, 4, 4])))
        try:
            ipaddress.IPv6Address(token)
            expected = token != "::"
        except ValueError:
            expected = False
        assert _is_ipv6(token) is expected, token


# Edge cases pinned while making the detectors faster (the old and new code agree on all of them;
# bench/runtime/fuzz_redaction.py compares two versions on random input).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # '@' with nothing before it: no local part, on ASCII and on non-ASCII text alike
        ("@example.com é", "@example.com é"),
        ("é @example.com", "é @example.com"),
        ("naïve user@example.com and @x.org", "naïve [email] and @x.org"),
        # the local part is the last 64 characters before '@'
        ("z" * 70 + "@example.com", "zzzzzz[email]"),
        ("é" + "z" * 70 + "@example.com", "ézzzzzz[email]"),
        # an IPv6 token reaches back over word characters and colons; a leading non-hex word and
        # its colon may be dropped once, no more
        ("ip6:2001:db8::1", "ip6:[ip_address]"),
        ("x:y:2001:db8::1", "x:y:2001:db8::1"),
        ("see 2001:db8::1.", "see [ip_address]."),
        # e-mail runs first, IPv6 next: each sees the other's placeholder, not its text
        ("a@b.io::1", "[email][ip_address]"),
        ("fe80::1abc@example.com", "[ip_address][email]"),
    ],
)
def test_email_and_ipv6_edges(text, expected):
    assert redact_builtin(text) == expected


@pytest.mark.parametrize(
    ("number", "is_card"),
    [
        ("2221000000000009", True),  # Mastercard 2-series, both ends of the range
        ("2720000000000005", True),
        ("2721000000000004", False),
        ("3000000000000004", True),  # Diners 30
        ("3611111111111118", True),  # Diners Club 36 and 39
        ("36000000000008", True),  # 14 digits, the classic Diners Club International length
        ("3900000000000005", True),
        ("3100000000000003", False),  # 31-33: no network
        ("33000000000001", False),
        ("5000000000000009", True),
        ("7000000000000005", False),  # Luhn-valid, unknown issuer
        ("4111-1111-1111-1111", True),
        ("4111 1111-1111 1111", False),  # mixed separators
    ],
)
def test_card_prefixes_and_separators(number, is_card):
    assert redact_builtin(number) == ("[credit_card]" if is_card else number)
