"""The masker (bot/domain/personal_data.py): no email address or phone number survives it, and ordinary French
sentences — dates, times, years, counts — come out unchanged."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.personal_data import EMAIL_MASK, PHONE_MASK, mask, mask_event

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
SENTENCES = [
    "écrivez-moi à {}",
    "mon adresse : {} merci",
    "{}",
    "contact ({}) pour l'atelier",
    "c'est {}, rappelez-moi",
    "joignable au {} après 14h",
]
SEPARATORS = st.sampled_from([" ", ".", "-", ""])
DIGIT_PAIRS = st.lists(st.integers(0, 99).map(lambda n: f"{n:02d}"), min_size=4, max_size=4)


@st.composite
def phone_numbers(draw) -> str:
    sep, pairs = draw(SEPARATORS), draw(DIGIT_PAIRS)
    first = draw(st.integers(1, 9))
    form = draw(st.sampled_from(["national", "plus33", "plus33-zero", "0033"]))
    if form == "national":
        return sep.join([f"0{first}", *pairs])
    prefix = {"plus33": "+33", "plus33-zero": "+33 (0)", "0033": "0033"}[form]
    return prefix + draw(st.sampled_from([" ", ""])) + sep.join([str(first), *pairs])


LOCAL = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789._+-"), min_size=1, max_size=20).filter(
    lambda s: s[0] not in "."
)
LABEL = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-"), min_size=1, max_size=12)
french_emails = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    LOCAL,
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["fr", "org", "gouv.fr", "com", "eu"]),
)
DIGIT_RUN = re.compile(r"\d(?:[\s.()+-]*\d){8,}")  # what is left of a phone number: 9 digits or more in a row


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), st.one_of(french_emails, st.emails()))
def test_no_email_address_survives(sentence, email):
    masked = mask(sentence.format(email))
    assert "@" not in masked and EMAIL_MASK in masked, masked


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), phone_numbers())
def test_no_phone_number_survives(sentence, phone):
    masked = mask(sentence.format(phone))
    assert PHONE_MASK in masked and not DIGIT_RUN.search(masked), masked


@st.composite
def ordinary_sentences(draw) -> str:
    day, month, year = draw(st.integers(1, 31)), draw(st.sampled_from(MONTHS)), draw(st.integers(1990, 2040))
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    parts = [
        f"le {day} {month} {year} à {hour}h",
        f"{hour}h{minute:02d}",
        f"{hour}:{minute:02d}",
        f"{year}-{year + 1}",
        f"{day:02d}/{draw(st.integers(1, 12)):02d}/{year}",
        f"{year}-{draw(st.integers(1, 12)):02d}-{day:02d}",
        f"du {day} au {min(day + 3, 31)} {month}",
        f"{draw(st.integers(2, 500))} participants",
        "44000 Nantes",
        f"salle {draw(st.integers(1, 300))}",
        f"édition {year}",
        "quel est le programme du 24 ?",
    ]
    return " ".join(draw(st.lists(st.sampled_from(parts), min_size=1, max_size=4)))


@settings(max_examples=300, deadline=None)
@given(ordinary_sentences())
def test_ordinary_french_sentences_are_untouched(sentence):
    assert mask(sentence) == sentence


def test_a_user_event_is_masked_everywhere_and_its_entities_still_point_at_their_words():
    text = "je suis jean.dupont@example.org, le serious game c'est quand ? 06 12 34 56 78"
    start = text.index("serious game")
    event = {
        "event": "user",
        "timestamp": 1.0,
        "text": text,
        "input_channel": "rest",
        "metadata": {"user_name": "Jean", "reply_to": "jean.dupont@example.org"},
        "parse_data": {
            "text": text,
            "intent": {"name": "ask_date", "confidence": 0.9},
            "entities": [
                {"entity": "event", "start": start, "end": start + 12, "value": "serious-game"},
                {"entity": "event", "start": 8, "end": 19, "value": "jean.dupont"},
            ],
        },
    }
    masked = mask_event(event)
    expected = f"je suis {EMAIL_MASK}, le serious game c'est quand ? {PHONE_MASK}"
    assert masked["text"] == masked["parse_data"]["text"] == expected
    assert masked["metadata"]["reply_to"] == EMAIL_MASK
    first, inside = masked["parse_data"]["entities"]
    assert expected[first["start"] : first["end"]] == "serious game" and first["value"] == "serious-game"
    assert (
        expected[inside["start"] : inside["end"]] == EMAIL_MASK
    )  # an entity within personal data covers its placeholder
    assert masked["parse_data"]["intent"] == {"name": "ask_date", "confidence": 0.9}
    assert event["text"] == text  # the caller's event (what the NLU and the actions use) is left alone


def test_slot_and_bot_events_are_masked():
    slot = mask_event({"event": "slot", "name": "last_question", "value": ["appelez le 02.40.41.20.20", 3]})
    bot = mask_event({"event": "bot", "text": "Nous écrirons à marie@exemple.fr", "data": {}})
    assert slot["value"] == [f"appelez le {PHONE_MASK}", 3] and slot["name"] == "last_question"
    assert bot["text"] == f"Nous écrirons à {EMAIL_MASK}"


def test_review_drops_entities_that_sit_on_a_placeholder_of_the_stored_text():
    from bot.tooling.staff.review import annotate

    text = "écrire à hackathon@exemple.fr pour le hackathon"
    inside, outside = text.index("hackathon"), text.rindex("hackathon")
    stored = mask_event(
        {
            "event": "user",
            "text": text,
            "parse_data": {
                "entities": [
                    {"entity": "event", "start": inside, "end": inside + 9, "value": "hackathon"},
                    {"entity": "event", "start": outside, "end": outside + 9, "value": "hackathon"},
                ]
            },
        }
    )
    assert (
        annotate(stored["text"], stored["parse_data"]["entities"])
        == f"écrire à {EMAIL_MASK} pour le [hackathon](event)"
    )
