"""Content modes and PII redaction.

Content modes (``AIConfig.content_mode``):

* ``full`` — text goes out, after redaction.
* ``metadata_only`` and ``customer_enriched`` — no text goes out anywhere: message content,
  tool input/output, span input/output state, score comments, system prompt, reasoning.

Redaction (:class:`Redactor`) runs in three tiers, in this order:

1. built-in patterns (when ``redact_pii``), each replaced by a placeholder:

   ============================================  ================
   e-mail addresses                              ``[email]``
   credit card numbers (Luhn-checked, known      ``[credit_card]``
   network prefixes incl. Diners Club 36/39,
   13-19 digits)
   US social security numbers (dashed, spaced)   ``[ssn]``
   IPv4 and IPv6 addresses (incl. compressed)    ``[ip_address]``
   US and international (``+CC``) phone numbers  ``[phone]``
   ============================================  ================

   The spec names ``[ip_address]``, ``[phone]`` and ``[ssn]``; ``[email]`` and
   ``[credit_card]`` are our choice in the same style.
2. custom patterns: a plain regex string becomes ``[REDACTED]``; a ``(regex, label)`` tuple
   becomes ``label`` (taken literally, no back-references). They run even when
   ``redact_pii`` is off: they are explicit configuration.
3. ``custom_fn(text) -> str`` last. If it raises or returns something other than a string,
   the text from tiers 1-2 is kept; the first such failure of a ``Redactor`` logs one
   warning on the ``amplitude_ai`` logger, later ones log at debug level.

Each detector starts from anchors found at C speed ('@' for e-mail, ':' for IPv6 and only when
the text has ``::`` or seven colons, a leading character class for the numeric detectors), so
plain prose costs little. Not covered: national phone formats without a ``+`` country code
outside the US (e.g. ``020 7946 0958``), and digits other than ASCII 0-9.
"""

from __future__ import annotations

import logging
import re
import string
from typing import Any, Callable, Iterable

logger = logging.getLogger("amplitude_ai")

FULL = "full"
METADATA_ONLY = "metadata_only"
CUSTOMER_ENRICHED = "customer_enriched"
CONTENT_MODES = (FULL, METADATA_ONLY, CUSTOMER_ENRICHED)

EMAIL_PLACEHOLDER = "[email]"
PHONE_PLACEHOLDER = "[phone]"
SSN_PLACEHOLDER = "[ssn]"
CREDIT_CARD_PLACEHOLDER = "[credit_card]"
IP_PLACEHOLDER = "[ip_address]"
CUSTOM_PLACEHOLDER = "[REDACTED]"


# --------------------------------------------------------------------------------------
# content modes
# --------------------------------------------------------------------------------------
def content_mode_value(mode: Any) -> str:
    """Normalize a ``ContentMode`` member or its string value to the string value.

    ``None`` means the default, ``"full"``. Anything else raises ``ValueError``.
    (``ContentMode`` lives in ``amplitude_ai.config``; we compare by value to avoid importing it.)
    """
    if mode is None:
        return FULL
    value = getattr(mode, "value", mode)
    if isinstance(value, str):
        normalized = value.strip().lower()
        if normalized in CONTENT_MODES:
            return normalized
    raise ValueError(f"unknown content mode {mode!r}; expected one of: {', '.join(CONTENT_MODES)}")


def content_allowed(mode: Any) -> bool:
    """True when text (content, tool input/output, span state, comments, prompts, reasoning) may be sent."""
    return content_mode_value(mode) == FULL


# --------------------------------------------------------------------------------------
# built-in patterns
#
# Python's regex engine is slow when a pattern can start anywhere (it tries every position).
# So each detector starts from cheap anchors found at C speed (a literal '@' or ':', which the
# engine finds with a fast scan; a leading character class for the numeric pattern) and runs the
# precise checks only there.
# --------------------------------------------------------------------------------------
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"

# e-mail: local part found by scanning left from '@', domain matched right of it. A label is
# atomic ``(?>...)`` and the top-level domain possessive (``+``): what follows each of them
# (a '.', or the end check) can never match after a shorter one, so the engine need not try.
# The labels before the top-level domain are lazy (``*?``): at most one label count can pass the
# end check (a top-level domain is not followed by '.' and a letter or digit, a label is), so
# trying the common "one label" case first finds the same match sooner.
_EMAIL_LABEL = r"(?>[^\W_](?:[\w-]{0,61}[^\W_])?)"
_EMAIL_DOMAIN_SOURCE = _EMAIL_LABEL + r"(?:\." + _EMAIL_LABEL + r")*?\.[^\W\d_]{2,24}+(?![\w-]|\.[^\W_])"
# '@' and a domain: found in one C-level search (a literal first character is searched fast).
# The ASCII twins give the same matches on ASCII text, with cheaper character-class checks.
_AT_DOMAIN = re.compile("@" + _EMAIL_DOMAIN_SOURCE)
_AT_DOMAIN_ASCII = re.compile("@" + _EMAIL_DOMAIN_SOURCE, re.ASCII)

# The numeric detectors as one pattern whose first item is a character class, so the regex
# engine skips in C to the next digit, '+' or '('; the boundary and kind checks that would
# normally come first are look-behinds placed after that first character. Alternatives are
# tried in this order at each position: card, SSN, IPv4, IPv4-shaped, US phone, international
# phone; a candidate the check in _numeric_sub rejects is left as it is (and not re-examined by
# the others). The four kinds that start on a digit share their look-behinds (written once, in
# front of them, so the engine checks them once per position instead of once per kind).
_NUMBER_END = r"(?![0-9A-Za-z_]|[.-][0-9])"  # not glued to a following word or number
_NUMERIC = re.compile(
    r"[0-9+(]"
    r"(?<![0-9A-Za-z_][0-9+(])"  # not glued to a preceding word or number
    r"(?=[0-9 ()+.\-]{6})"  # every detector needs 7+ characters of digits and separators
    r"(?:"
    r"(?<=[0-9])(?:"  # kinds whose first character is a digit
    r"(?<![.\-][0-9])"  # ... and not the tail of "1.5" or "7-8"
    r"(?=[0-9]{2}[0-9 -])(?:"  # both need two more digits, then a digit or a separator (early exit)
    # credit cards: contiguous 13-19 digits, or grouped 4-4-4-4(-1..3) / 4-6-4(5)
    r"(?P<card>(?:"
    r"[0-9]{12,18}"
    r"|[0-9]{3}(?P<cs>[ -])[0-9]{4}(?P=cs)[0-9]{4}(?P=cs)[0-9]{4}(?:(?P=cs)[0-9]{1,3})?"
    r"|[0-9]{3}(?P<as>[ -])[0-9]{6}(?P=as)[0-9]{4,5}"
    r")" + _NUMBER_END + ")"
    # SSN: 3-2-4 with dashes or single spaces
    r"|(?P<ssn>[0-9]{2}(?P<ss>[- ])[0-9]{2}(?P=ss)[0-9]{4}" + _NUMBER_END + ")"
    r")"
    # IPv4 with octets 0-255 (the first octet's leading digit is the one matched before the
    # group); the same shape with other values is matched as ``ipv4x`` and left as it is
    r"|(?<![.:][0-9])(?=[0-9]{0,2}\.)(?:"  # both need a '.' within the first four characters
    r"(?P<ipv4>(?:(?<=1)[0-9]{2}|(?<=2)(?:[0-4][0-9]|5[0-5])|(?<=[1-9])[0-9])?"
    r"\." + _OCTET + r"\." + _OCTET + r"\." + _OCTET + r"(?![0-9A-Za-z_:]|\.[0-9]))"
    r"|(?P<ipv4x>[0-9]{0,2}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9A-Za-z_:]|\.[0-9]))"
    r")"
    r")"
    # US phone: optional +1 / 1, area code in parentheses or not, separators . - or space
    r"|(?P<us>(?:"
    r"(?<=\+)(?<!\+\+)1[ .-]?(?:\([0-9]{3}\)[ .-]?|[0-9]{3}[ .-]?)"
    r"|(?<=\()(?<!\+\()[0-9]{3}\)[ .-]?"
    r"|(?<=1)(?<!\+1)[ .-]?(?:\([0-9]{3}\)[ .-]?|[0-9]{3}[ .-]?)"
    r"|(?<=[0-9])(?<!\+[0-9])[0-9]{2}[ .-]?"
    r")[0-9]{3}[ .-]?[0-9]{4}" + _NUMBER_END + ")"
    # international phone: +CC then digit groups (8-15 digits in all, checked in code)
    r"|(?P<intl>(?<=\+)(?<!\+\+)[0-9]{1,4}(?:[ .-]?(?:\([0-9]{1,4}\)|[0-9]{1,6})){1,6}" + _NUMBER_END + ")"
    r")"
)

# IPv6: a token of address characters around a ':' (found by a literal search), validated by _IPV6.
# Characters of a token: those of an address and the other word characters too, so that a token
# never starts in the middle of a word.
_V6_TOKEN_CHARS = string.ascii_letters + string.digits + "_:.%"
_H = r"[0-9A-Fa-f]{1,4}+"  # possessive: a group is always followed by ':', '%' or the end, never a hex digit
_V4 = _OCTET + r"(?:\." + _OCTET + r"){3}"
_IPV6 = re.compile(
    r"(?:"
    rf"(?:{_H}:){{7}}{_H}"
    rf"|(?:{_H}:){{1,6}}:{_H}"  # before the "ends with ::" form: the common "2001:db8::1" shape
    rf"|(?:{_H}:){{1,7}}:"
    + "".join(rf"|(?:{_H}:){{1,{k}}}(?::{_H}){{1,{7 - k}}}" for k in range(5, 0, -1))
    + rf"|::{_H}(?::{_H}){{0,6}}"  # "::1", "::ffff:0:1"; a bare "::" is not an address
    rf"|(?:{_H}:){{6}}{_V4}"
    rf"|::(?:{_H}:){{0,5}}{_V4}"
    + "".join(rf"|(?:{_H}:){{{k}}}:(?:{_H}:){{0,{5 - k}}}{_V4}" for k in range(1, 6))
    + r")(?:%[0-9A-Za-z_.]{1,15})?"
)

# The candidates: a ':' that can be the first colon of an address ("::", or a hex digit on both sides;
# not "Note: ...", "https:", "key:value"), and the rest of its token up to its last character that is
# not a full stop (the end of a sentence); found by a fast literal search.
#
# The common case is also recognised in that search: a compressed address standing alone ("from
# 2001:db8::1."), i.e. a token that starts with this ':' or with one hex group right before it, has
# one "::" and at most seven hex groups, and no IPv4 tail or zone. There an empty group records how
# many characters of the token come before the colon (see _V6_BACK). Any other candidate is examined
# in Python by _redact_ipv6 (the pattern only spares that work; it never rejects an address).
_V6_FAST_END = r"\.*(?![0-9A-Za-z_:.%])"  # the token ends here (trailing full stops aside)
# Hex digits and at most six colons up to the end of the token: with a single "::", that bounds the
# groups after the first one to six. Written as nested alternatives of single-character runs, which
# the regex engine runs faster than a counted repeat of a group.
_AT_MOST_SIX_COLONS = "[0-9A-Fa-f]*+"
for _ in range(6):
    _AT_MOST_SIX_COLONS = f"[0-9A-Fa-f]*+(?::{_AT_MOST_SIX_COLONS}|)"
_AT_MOST_SIX_COLONS = f"(?={_AT_MOST_SIX_COLONS}{_V6_FAST_END})"
_V6_COLON = re.compile(
    r":(?=:|(?<=[0-9A-Fa-f]:)[0-9A-Fa-f])"
    r"(?:"
    # the token starts with this colon: "::" and one to seven groups
    rf"(?<![0-9A-Za-z_:.%]:)()(?=:{_H}(?::{_H}){{0,6}}+{_V6_FAST_END})"
    # the token starts with one group (k hex digits) before this colon ...
    r"|(?:"
    + "|".join(rf"(?<=(?<![0-9A-Za-z_:.%])[0-9A-Fa-f]{{{k}}}:)()" for k in (4, 3, 2, 1))
    + r")"
    rf"(?=(?:{_H}:)*+:(?:{_H}(?::{_H})*+)?{_V6_FAST_END})"  # ... then groups, "::", groups
    + _AT_MOST_SIX_COLONS  # ... and at most six more groups
    + r"|)"
    r"(?:[0-9A-Za-z_:.%]*[0-9A-Za-z_:%])?"
)
_V6_BACK = (None, 0, 4, 3, 2, 1)  # by group number: characters of the token before the colon

_EMAIL_LOCAL_REVERSED = re.compile(r"[\w.%+'-]{1,64}")
_EMAIL_LOCAL_CHARS_ASCII = string.ascii_letters + string.digits + "_.%+'-"  # [\w.%+'-] on ASCII text


# Card checks work on the digit values (0-9) in a bytes object: one bytes.translate turns the
# ASCII digits into values and drops the separators, and the Luhn sum is then a C-level sum().
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))
_DOUBLED_DIGIT_SUM = bytes.maketrans(bytes(range(10)), bytes((0, 2, 4, 6, 8, 1, 3, 5, 7, 9)))  # 7 -> 14 -> 5
_VISA_MASTERCARD_DISCOVER = bytes((4, 5, 6))
_AMEX_DINERS_JCB_SECOND = bytes((0, 4, 5, 6, 7, 8, 9))  # 30, 34, 35, 36, 37, 38, 39
_DROP_SEPARATORS = str.maketrans("", "", " .-()+")


def _card_prefix_ok(values: bytes) -> bool:
    """Issuer prefixes in use (``values`` holds digit values): Visa 4, Mastercard 51-55 /
    2221-2720, Amex 34/37, Diners Club 30/36/38/39 (36: the 14-digit range), JCB 35,
    Discover / UnionPay / Maestro 6x, Maestro 50/56-58. Not accepted: 31-33, 0x, 1x, 7x-9x."""
    first = values[0]
    if first in _VISA_MASTERCARD_DISCOVER:
        return True
    if first == 3:
        return values[1] in _AMEX_DINERS_JCB_SECOND
    if first == 2:  # equal-length byte strings compare like the numbers they spell
        return b"\2\2\2\1" <= values[:4] <= b"\2\7\2\0"
    return False


def _is_ipv6(candidate: str) -> bool:
    return _IPV6.fullmatch(candidate) is not None


# What _numeric_sub does per kind, looked up by the number of the kind's group (``lastindex``:
# each kind's named group encloses its whole alternative, so it is the last group to close).
# SSN and valid IPv4 matches need no further check: their placeholder is returned directly.
_CARD, _US, _INTL = (_NUMERIC.groupindex[name] for name in ("card", "us", "intl"))
_ACCEPTED_AS_MATCHED: list[str | None] = [None] * (_NUMERIC.groups + 1)
_ACCEPTED_AS_MATCHED[_NUMERIC.groupindex["ssn"]] = SSN_PLACEHOLDER
_ACCEPTED_AS_MATCHED[_NUMERIC.groupindex["ipv4"]] = IP_PLACEHOLDER


def _numeric_sub(match: re.Match[str]) -> str:
    """The placeholder for a numeric candidate, or the candidate itself when it is not PII."""
    kind = match.lastindex
    placeholder = _ACCEPTED_AS_MATCHED[kind]  # type: ignore[index]
    if placeholder is not None:
        return placeholder
    text = match[0]
    if kind == _CARD:
        values = text.encode().translate(_DIGIT_VALUES, b" -")  # card candidates hold digits, ' ' or '-'
        # (the pattern admits 13-19 digits only, so the length needs no check here)
        if values[0] in _VISA_MASTERCARD_DISCOVER or _card_prefix_ok(values):
            # Luhn: every second digit from the right is replaced by the digit sum of its double
            if sum(values[-1::-2] + values[-2::-2].translate(_DOUBLED_DIGIT_SUM)) % 10 == 0:
                return CREDIT_CARD_PLACEHOLDER
        return text
    if kind == _US:
        if text.isdigit():  # a bare run of digits: be strict
            national = text
            if len(text) == 11:
                if text[0] != "1":
                    return text
                national = text[1:]
            if national[0] in "01":  # NANP area codes start with 2-9 (this keeps unix timestamps)
                return text
        return PHONE_PLACEHOLDER
    if kind == _INTL:
        return PHONE_PLACEHOLDER if 8 <= len(text.translate(_DROP_SEPARATORS)) <= 15 else text
    return text  # ipv4x: the shape of an IPv4 address with an octet above 255 or a leading 0


def _redact_emails(text: str) -> str:
    # each '@' followed by a domain (a domain holds no '@', so no candidate is skipped), then the
    # local part: the run of local-part characters that ends at the '@' (RFC 5321: 64 characters
    # at most, and not reaching back into the previous match)
    out: list[str] = []
    last = 0
    if text.isascii():  # rstrip finds the run in C; on ASCII text its set is exactly [\w.%+'-]
        for candidate in _AT_DOMAIN_ASCII.finditer(text):
            at, end = candidate.span()
            lo = at - 64
            lo = last if last > lo else lo
            start = lo + len(text[lo:at].rstrip(_EMAIL_LOCAL_CHARS_ASCII))
            if start < at:
                out += (text[last:start], EMAIL_PLACEHOLDER)
                last = end
    else:  # Unicode word characters: match the reversed window
        for candidate in _AT_DOMAIN.finditer(text):
            at, end = candidate.span()
            lo = at - 64
            lo = last if last > lo else lo
            if at == lo:  # no room for a local part ('@' at the start or right after the previous match)
                continue
            local = _EMAIL_LOCAL_REVERSED.match(text[at - 1 : lo - 1 : -1] if lo else text[at - 1 :: -1])
            if local is not None:
                out += (text[last : at - local.end()], EMAIL_PLACEHOLDER)
                last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _redact_ipv6(text: str) -> str:
    out: list[str] = []
    last = 0
    is_address = _IPV6.fullmatch
    for candidate in _V6_COLON.finditer(text):
        colon, token_end = candidate.span()  # the match ends where the token does (trailing full stops aside)
        back = candidate.lastindex
        if back is not None:  # checked by the pattern: a stand-alone address
            out += (text[last : colon - _V6_BACK[back]], IP_PLACEHOLDER)
            last = token_end
            continue
        # the token starts where the run of token characters that ends at the colon starts
        # (looking back 64 characters at most, and not into the previous match)
        lo = colon - 64
        lo = last if last > lo else lo
        start = lo + len(text[lo:colon].rstrip(_V6_TOKEN_CHARS))
        if is_address(text, start, token_end) is None:
            # "ip6:2001:db8::1": try again without a leading non-hex word and its colon
            head, sep, rest = text[start:token_end].partition(":")
            if sep and head and head.strip("0123456789abcdefABCDEF") and is_address(rest):
                start += len(head) + 1
            else:
                continue
        out += (text[last:start], IP_PLACEHOLDER)
        last = token_end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def redact_builtin(text: str) -> str:
    """Apply the built-in PII detectors only: e-mail, IPv6, then the numeric ones."""
    if "@" in text:
        text = _redact_emails(text)
    if "::" in text or text.count(":") >= 7:
        text = _redact_ipv6(text)
    return _NUMERIC.sub(_numeric_sub, text)


# --------------------------------------------------------------------------------------
# Redactor
# --------------------------------------------------------------------------------------
def _compile_custom(patterns: Iterable[str | tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    compiled: list[tuple[re.Pattern[str], str]] = []
    for entry in patterns or ():
        if isinstance(entry, str):
            pattern, label = entry, CUSTOM_PLACEHOLDER
        elif isinstance(entry, (tuple, list)) and len(entry) == 2 and all(isinstance(x, str) for x in entry):
            pattern, label = entry[0], entry[1]
        else:
            raise ValueError(
                f"custom_redaction_patterns: each entry must be a regex string or a (regex, replacement) "
                f"pair of strings, got {entry!r}"
            )
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"custom_redaction_patterns: invalid regular expression {pattern!r}: {exc}") from None
        compiled.append((regex, label))
    return compiled


class Redactor:
    """Removes PII from text before it leaves the process (see the module docstring for the tiers)."""

    __slots__ = ("redact_pii", "_custom", "_custom_fn", "_warned")

    def __init__(
        self,
        redact_pii: bool = True,
        custom_patterns: Iterable[str | tuple[str, str]] = (),
        custom_fn: Callable[[str], str] | None = None,
    ) -> None:
        if custom_fn is not None and not callable(custom_fn):
            raise ValueError(f"custom_redaction_fn must be callable, got {type(custom_fn).__name__}")
        self.redact_pii = bool(redact_pii)
        self._custom = _compile_custom(custom_patterns)
        self._custom_fn = custom_fn
        self._warned = False

    @property
    def active(self) -> bool:
        """False when redaction would return every text unchanged."""
        return self.redact_pii or bool(self._custom) or self._custom_fn is not None

    def redact(self, text: str) -> str:
        if not text or not isinstance(text, str):
            return text
        if self.redact_pii:
            text = redact_builtin(text)
        for regex, label in self._custom:
            text = regex.sub(lambda _m, _label=label: _label, text)
        if self._custom_fn is not None:
            text = self._apply_custom_fn(text)
        return text

    def _apply_custom_fn(self, text: str) -> str:
        try:
            result = self._custom_fn(text)  # type: ignore[misc]
        except Exception as exc:  # the host app must not break because of a redaction callback
            self._report(f"custom_redaction_fn raised {type(exc).__name__}: {exc}")
            return text
        if not isinstance(result, str):
            self._report(f"custom_redaction_fn returned {type(result).__name__}, expected str")
            return text
        return result

    def _report(self, problem: str) -> None:
        if self._warned:
            logger.debug("%s; kept the pattern-redacted text", problem)
        else:
            self._warned = True
            logger.warning("%s; kept the pattern-redacted text (further failures are logged at debug level)", problem)


class ContentPolicy:
    """The content mode and the redactor together: what text, if any, may leave the process.

    ``text()`` and ``json()`` return ``None`` when the mode sends no text, else the redacted text.
    """

    __slots__ = ("mode", "allowed", "redactor")

    def __init__(self, mode: Any = FULL, redactor: Redactor | None = None) -> None:
        self.mode = content_mode_value(mode)
        self.allowed = self.mode == FULL
        self.redactor = redactor if redactor is not None else Redactor()

    def text(self, value: str | None) -> str | None:
        if not self.allowed or value is None:
            return None
        if not isinstance(value, str):
            value = str(value)
        return self.redactor.redact(value)

    def json(self, value: Any) -> str | None:
        """Serialize ``value`` to JSON (non-JSON values via ``str``), then redact; ``None`` when not allowed."""
        if not self.allowed or value is None:
            return None
        if isinstance(value, str):
            serialized = value
        else:
            import json

            try:
                serialized = json.dumps(value, default=str, ensure_ascii=False)
            except (TypeError, ValueError):
                serialized = str(value)
        return self.redactor.redact(serialized)
