"""Property-based tests (hypothesis) of what the channels accept and of the catalogue queries.

Whatever arrives, the pure helpers either accept it as a safe message or refuse it with a 4xx and
a French reason: never another exception (which a server would turn into a 500).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import unicodedata
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.domain.catalogue import load_catalogue
from bot.domain.dates import bare_weekday, parse_french_date
from bot.domain.linking import Linker
from bot.domain.queries import matching_events, read_criteria
from bot.runtime.channels.agents.payloads import PayloadError, decode_body, parse_request
from bot.runtime.channels.client_ip import limit_address
from bot.runtime.channels.inputs import (
    MAX_MESSAGE_CHARS,
    Inbound,
    RejectedInput,
    clean_message,
    validate_fields,
    validate_rest_body,
)
from bot.runtime.channels.limits import SenderGate
from bot.runtime.channels.ratelimit import MemoryBackend, Rate

CATALOGUE = load_catalogue()
LINKER = Linker(CATALOGUE)
REFERENCE = dt.date(2020, 11, 18)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as hostile users write it: any code point (control, surrogate, emoji, RTL marks...) and
# the usual suspects, mixed.
HOSTILE_WORDS = [
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    "\x00",
    "\u202e",
    "\ufeff",
    "🎉👩‍💻",
    "serious game",
    "le 19",
    "jeudi prochain",
    "SGAR",
    "\n\n",
    "é" * 50,
    "a" * 3000,
    "{{7*7}}",
    "%s%n",
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(HOSTILE_WORDS), st.text(max_size=20)), max_size=12).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=4000),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)
rest_objects = st.fixed_dictionaries(
    {},
    optional={
        "sender": json_values | hostile_text,
        "message": json_values | hostile_text,
        "metadata": json_values,
        "input_channel": json_values,
    },
)


def assert_safe(inbound: Inbound) -> None:
    assert inbound.text and inbound.text == inbound.text.strip() and len(inbound.text) <= MAX_MESSAGE_CHARS
    inbound.text.encode("utf-8")
    inbound.sender.encode("utf-8")
    assert ":" not in inbound.sender and "agents" not in inbound.metadata  # never another channel's
    assert all(c in "\n\t" or unicodedata.category(c)[0] != "C" for c in inbound.text)
    json.dumps(inbound.metadata, ensure_ascii=False).encode("utf-8")


def check_rest(body: bytes) -> None:
    try:
        assert_safe(validate_rest_body(body))
    except RejectedInput as exc:
        assert 400 <= exc.status < 500 and exc.reason


@SETTINGS
@given(st.binary(max_size=2000))
def test_rest_body_any_bytes(body):
    check_rest(body)


@SETTINGS
@given(json_values)
def test_rest_body_any_json(value):
    check_rest(json.dumps(value).encode())


@SETTINGS
@given(rest_objects)
def test_rest_body_objects_of_any_field_types(obj):
    check_rest(json.dumps(obj).encode())


@SETTINGS
@given(hostile_text)
def test_any_text_is_accepted_cleaned_or_refused(text):
    check_rest(json.dumps({"sender": "citoyen", "message": text}).encode())


@SETTINGS
@given(st.text(max_size=500))
def test_clean_message_is_idempotent(text):
    assert clean_message(clean_message(text)) == clean_message(text)


def test_deep_nesting_and_size_limits():
    with pytest.raises(RejectedInput) as deep:
        validate_rest_body(b"[" * 4000)  # under the 4 Kio body limit, far beyond the JSON parser's depth
    assert deep.value.status == 400
    with pytest.raises(RejectedInput) as big:
        validate_rest_body(json.dumps({"sender": "a", "message": "x" * 100_000}).encode())
    assert big.value.status == 413
    nested = {"a": {}}
    for _ in range(20):
        nested = {"a": nested}
    with pytest.raises(RejectedInput, match="imbriqué"):
        validate_rest_body(json.dumps({"sender": "a", "message": "b", "metadata": nested}).encode())


@SETTINGS
@given(
    json_values | rest_objects | st.dictionaries(st.sampled_from(["message", "session_id", "customData"]), json_values)
)
def test_socketio_payloads(data):
    try:
        assert_safe(validate_fields(data, metadata_key="customData", sender_key="session_id"))
    except RejectedInput as exc:
        assert 400 <= exc.status < 500


agent_fields = st.dictionaries(
    st.sampled_from(
        [
            "token",
            "command",
            "text",
            "question",
            "trigger_word",
            "post_id",
            "channel_id",
            "user_id",
            "team_id",
            "response_url",
            "platform",
            "from_bot",
            "from_webhook",
            "user_name",
            "message_id",
        ]
    ),
    json_values,
    max_size=10,
)


@SETTINGS
@given(
    st.binary(max_size=2000),
    st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain", None]),
)
def test_agents_decode_any_bytes(body, content_type):
    try:
        fields = decode_body(content_type, body)
    except PayloadError as exc:
        assert exc.reason
        return
    try:
        parse_request(fields)
    except PayloadError as exc:
        assert exc.reason


@SETTINGS
@given(agent_fields)
def test_agents_parse_any_fields(fields):
    for content_type, body in (
        ("application/json", json.dumps(fields).encode()),
        ("application/x-www-form-urlencoded", urlencode({k: str(v) for k, v in fields.items()}).encode()),
    ):
        try:
            request = parse_request(decode_body(content_type, body))
        except PayloadError as exc:
            assert exc.reason
            continue
        assert len(request.question) <= 2000 and ":" not in request.channel_id + request.user_id


def test_agents_deeply_nested_json_is_a_400_not_a_crash():
    with pytest.raises(PayloadError, match="JSON invalide"):
        decode_body("application/json", b"[" * 4000)  # under the 4 Kio body limit


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(0, 0.5), st.booleans()), max_size=200))
def test_rate_limit_and_gate_bound_rate_and_messages_in_flight(steps):
    now = [0.0]
    rate, limiter = (
        Rate(per_minute=120, burst=5),
        MemoryBackend(clock=lambda: now[0]),
    )  # 2 per second after a burst of 5
    gate = SenderGate(max_in_flight=2)
    admitted: dict[str, int] = {}
    open_: dict[str, int] = {}
    for sender, pause, finish in steps:
        now[0] += pause
        if finish and open_.get(sender):
            gate.leave(sender)
            open_[sender] -= 1
        if limiter.spend_now(sender, rate) == 0.0 and gate.enter(sender) is None:  # Intake's order
            admitted[sender] = admitted.get(sender, 0) + 1
            open_[sender] = open_.get(sender, 0) + 1
        assert gate.in_flight(sender) == open_.get(sender, 0) <= 2
    for count in admitted.values():
        assert count <= 5 + 2.0 * now[0] + 1e-9


ipv6_networks = st.integers(min_value=0, max_value=2**64 - 1)
interface_ids = st.integers(min_value=0, max_value=2**64 - 1)


@SETTINGS
@given(ipv6_networks, interface_ids, interface_ids, ipv6_networks)
def test_every_address_of_an_ipv6_64_is_one_rate_limit_key(network, first, second, other):
    """Rotating the interface id never changes the key; another /64 never shares it."""
    first, second, elsewhere = (
        ipaddress.IPv6Address((net << 64) | interface)
        for net, interface in ((network, first), (network, second), (other, first))
    )
    assume(not any(a.ipv4_mapped for a in (first, second, elsewhere)))  # those are IPv4 clients (below)
    key = limit_address(str(first))
    assert key == limit_address(str(second)) == str(ipaddress.IPv6Network((network << 64, 64)))
    assert (limit_address(str(elsewhere)) == key) == (other == network)


@SETTINGS
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_addresses_are_keyed_alone_even_when_mapped_into_ipv6(first, second):
    v4 = str(ipaddress.IPv4Address(first))
    assert limit_address(v4) == v4 == limit_address(f"::ffff:{v4}")
    assert (limit_address(str(ipaddress.IPv4Address(second))) == v4) == (first == second)


# --- catalogue query functions ------------------------------------------------------------------

entity_kinds = st.sampled_from(["event", "topic", "organiser", "date", "project", "person"])


@SETTINGS
@given(hostile_text, st.lists(st.tuples(entity_kinds, hostile_text), max_size=4))
def test_criteria_and_matching_events_for_any_text(text, entities):
    criteria = read_criteria(LINKER, entities, text, REFERENCE)
    found = matching_events(CATALOGUE, criteria)
    assert set(found) <= set(CATALOGUE.events)
    for kind in ("event", "topic", "organiser", "project", "person"):
        for ident in criteria.mentions.of(kind):
            assert (kind, ident) in LINKER._ids


@SETTINGS
@given(hostile_text, st.sampled_from([None, "event", "topic", "organiser", "project", "person"]))
def test_link_value_for_any_text(value, kind):
    linked = LINKER.link_value(value, kind)
    assert linked is None or linked in LINKER._ids
    assert all(e in {x.id for x in CATALOGUE.events} for e in LINKER.suggest_events(value))


@SETTINGS
@given(hostile_text)
def test_french_dates_for_any_text(text):
    span = parse_french_date(text, REFERENCE, 2020, 11)
    assert span is None or span.start <= span.end
    weekday = bare_weekday(text)
    assert weekday is None or 0 <= weekday <= 6
