"""The masker (bot/domain/personal_data.py): no email address, phone number, IBAN, social-security or card number
survives it, and ordinary French sentences — dates, times, years, counts — come out unchanged."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import MONTH_NAMES as MONTHS
from bot.domain.personal_data import (
    CARD_MASK,
    EMAIL_MASK,
    IBAN_MASK,
    NIR_MASK,
    PHONE_MASK,
    contains_pii,
    mask,
    mask_event,
    mask_with_offsets,
    personal_spans,
    pii_spans,
)

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


# ---------------------------------------------------------------- every common French spelling

MASKED = [
    # phone numbers
    ("06 12 34 56 78", PHONE_MASK),
    ("0612345678", PHONE_MASK),
    ("06.12.34.56.78", PHONE_MASK),
    ("06-12-34-56-78", PHONE_MASK),
    ("06/12/34/56/78", PHONE_MASK),
    ("06–12–34–56–78", PHONE_MASK),  # en dash
    ("06—12—34—56—78", PHONE_MASK),  # em dash
    ("06 - 12 - 34 - 56 - 78", PHONE_MASK),
    ("06 12 345 678", PHONE_MASK),
    ("0 612 345 678", PHONE_MASK),
    ("06\u00a012\u00a034\u00a056\u00a078", PHONE_MASK),  # non-breaking spaces
    ("06\u202f12\u202f34\u202f56\u202f78", PHONE_MASK),  # narrow non-breaking spaces
    ("０６ １２ ３４ ５６ ７８", PHONE_MASK),  # fullwidth digits
    ("+33 6 12 34 56 78", PHONE_MASK),
    ("+33612345678", PHONE_MASK),
    ("+33 (0)6 12 34 56 78", PHONE_MASK),
    ("(+33) 6 12 34 56 78", PHONE_MASK),
    ("+33 6.12.34.56.78", PHONE_MASK),
    ("0033 6 12 34 56 78", PHONE_MASK),
    ("0033612345678", PHONE_MASK),
    ("02 40 41 20 20", PHONE_MASK),
    ("01 45 67 89 10", PHONE_MASK),
    ("09 70 12 34 56", PHONE_MASK),
    ("0800 123 456", PHONE_MASK),
    ("07 00 00 00 00", PHONE_MASK),  # a French number of the right length, in a range not open yet
    ("+262 692 12 34 56", PHONE_MASK),  # La Réunion
    ("+32 470 12 34 56", PHONE_MASK),  # Belgium
    # email addresses
    ("jean.dupont@example.org", EMAIL_MASK),
    ("jean＠exemple.fr", EMAIL_MASK),  # fullwidth @
    ("jean﹫exemple.fr", EMAIL_MASK),  # small @
    ("ＪＥＡＮ＠ＥＸＥＭＰＬＥ．ＦＲ", EMAIL_MASK),
    ("marie.curie+atelier@mairie-nantes.gouv.fr", EMAIL_MASK),
    # IBANs
    ("FR76 3000 6000 0112 3456 7890 189", IBAN_MASK),
    ("FR7630006000011234567890189", IBAN_MASK),
    ("fr76 3000 6000 0112 3456 7890 189", IBAN_MASK),
    ("FR76-3000-6000-0112-3456-7890-189", IBAN_MASK),
    ("FR14 2004 1010 0505 0001 3M02 606", IBAN_MASK),
    ("DE89 3704 0044 0532 0130 00", IBAN_MASK),
    # social-security numbers (NIR)
    ("1 85 05 78 006 084 91", NIR_MASK),
    ("185057800608491", NIR_MASK),
    ("1.85.05.78.006.084.91", NIR_MASK),
    ("2 90 02 2A 004 123 04", NIR_MASK),  # Corsica: 2A counts as 19
    ("2 90 02 2B 004 123 31", NIR_MASK),  # and 2B as 18
    # payment cards
    ("4111 1111 1111 1111", CARD_MASK),
    ("4111-1111-1111-1111", CARD_MASK),
    ("4111111111111111", CARD_MASK),
    ("5555 5555 5555 4444", CARD_MASK),
    ("3782 822463 10005", CARD_MASK),  # American Express
    ("3056 930902 5904", CARD_MASK),  # Diners
]


@pytest.mark.parametrize("personal, placeholder", MASKED)
@pytest.mark.parametrize("sentence", ["{}", "mon numéro : {} merci", "c'est {}, rappelez-moi"])
def test_every_common_spelling_is_masked(sentence, personal, placeholder):
    assert mask(sentence.format(personal)) == sentence.format(placeholder)
    assert contains_pii(sentence.format(personal))
    [found] = pii_spans(sentence.format(personal))
    assert found.placeholder == placeholder
    assert sentence.format(personal)[found.start : found.end] == personal


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tel0612345678", f"tel{PHONE_MASK}"),  # glued to letters: the matcher of phonenumbers leaves it out
        ("tél:06 12 34 56 78", f"tél:{PHONE_MASK}"),
        ("0612345678svp", f"{PHONE_MASK}svp"),
        ("le 19 06 12 34 56 78", f"le 19 {PHONE_MASK}"),
        ("06 12 34 56 78 ou 07 98 76 54 32", f"{PHONE_MASK} ou {PHONE_MASK}"),
        ("0612345678 0798765432", f"{PHONE_MASK} {PHONE_MASK}"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", f"IBAN {IBAN_MASK} merci"),
        ("carte 4111 1111 1111 1111 exp 12/26", f"carte {CARD_MASK} exp 12/26"),
        ("écrire à contact@exemple.fr.", f"écrire à {EMAIL_MASK}."),
        ("dispo… 06 12 34 56 78", f"dispo... {PHONE_MASK}"),  # the masked text is the NFKC text
    ],
)
def test_personal_data_among_other_words(text, expected):
    assert mask(text) == expected


KEPT = [
    "24/11/2020",
    "2020-11-24",
    "24.11.2020",
    "24-11-2020",
    "le 06/12/2024",
    "du 06/12 au 10/12",
    "06/12/2024 10/12/2024",
    "14h30",
    "14:30",
    "de 9h à 17h30",
    "de 8h30 à 12h00",
    "1990-1991",
    "2024-2025",
    "édition 2020",
    "le 19",
    "du 19 au 21 novembre",
    "quel est le programme du 24 ?",
    "44000",
    "44000 Nantes",
    "75001 Paris",
    "édition 2020 44000 Nantes",
    "salle 12",
    "3 participants",
    "1 200 participants",
    "2 000 000 de visiteurs",
    "n° 42",
    "12,50 €",
    "123456",
    "12 34 56",
    "1234 5678",
    "version 3.6.21",
    "le 24/11/2020 à 14h30",
    "2020-11-24 14:30",
    "0:01 1990-1991",
    "1990-01-01 1990-1991",
    "FR76 1234",  # not an IBAN
    "4111 1111",  # too short for a card
    "1er décembre 2024 à 9h",
]


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_numbers_are_kept(text):
    assert mask(text) == text and not contains_pii(text) and personal_spans(text) == []


def test_checksums_decide_for_ibans_social_security_and_card_numbers():
    assert mask("FR76 3000 6000 0112 3456 7890 188") == "FR76 3000 6000 0112 3456 7890 188"  # wrong IBAN key
    assert NIR_MASK not in mask("1 85 05 78 006 084 90")  # wrong NIR key
    assert mask("4111 1111 1111 1112") == "4111 1111 1111 1112"  # fails Luhn


def test_placeholders_of_a_stored_text_are_personal_spans():
    text = f"{IBAN_MASK} {NIR_MASK} {CARD_MASK} {PHONE_MASK} {EMAIL_MASK} et 06 12 34 56 78"
    spans = personal_spans(text)
    assert [text[a:b] for a, b in spans] == [IBAN_MASK, NIR_MASK, CARD_MASK, PHONE_MASK, EMAIL_MASK, "06 12 34 56 78"]
    assert mask(text) == mask(mask(text))


# ---------------------------------------------------------------- no valid number left, whatever the text

FILLERS = st.sampled_from(
    ["appelez", "le", "tel", "tél:", "svp", "n°", "à", "14h", "le 19", "2020", "(", ")", "…", "é"]
)
SEPARATOR_CHARS = [" ", ".", "-", "/", "–", "—", "\u00a0", ""]


@st.composite
def numbers_as_written(draw) -> str:
    """Phone numbers in every spelling, random digits (with or without a 0 or + in front), dates and times."""
    digits = draw(st.lists(st.integers(0, 9).map(str), min_size=1, max_size=14))
    sep = draw(st.sampled_from(SEPARATOR_CHARS))
    cut = draw(st.lists(st.integers(1, 4), min_size=1, max_size=7))
    groups, position = [], 0
    for size in cut:
        if position < len(digits):
            groups.append("".join(digits[position : position + size]))
            position += size
    groups.append("".join(digits[position:]))
    body = sep.join(g for g in groups if g)
    prefix = draw(st.sampled_from(["", "", "0", "06", "+33 ", "+33", "0033 ", "(+33) ", "+33 (0)", "+", "00"]))
    text = prefix + body
    if draw(st.booleans()):
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789+()"})  # fullwidth
    return text


@st.composite
def messages_with_numbers(draw) -> str:
    parts = draw(st.lists(st.one_of(FILLERS, numbers_as_written(), phone_numbers()), min_size=1, max_size=6))
    return draw(st.sampled_from([" ", ""])).join(parts)


SEPARATED = re.compile(r"\d+")
CHECKED_SEPARATORS = [" ", ".", "-", "/", "–", "—", ""]


def valid_numbers_in(text: str) -> list[str]:
    """Runs of digits joined by one separator, written as a phone number is (a 0 or a + in front), that
    phonenumbers parses as a valid number from France."""
    groups = [m.span() for m in SEPARATED.finditer(text)]
    found = []
    for index, (start, _end) in enumerate(groups):
        first = start - 1 if start and text[start - 1] == "+" else start
        for sep in CHECKED_SEPARATORS:
            stop = index
            while True:
                window = text[first : groups[stop][1]]
                if window[0] in "0+":
                    try:
                        if phonenumbers.is_valid_number(phonenumbers.parse(window, "FR")):
                            found.append(window)
                    except phonenumbers.NumberParseException:
                        pass
                if not sep or stop + 1 == len(groups) or text[groups[stop][1] : groups[stop + 1][0]] != sep:
                    break
                stop += 1
    return list(dict.fromkeys(found))


@settings(max_examples=400, deadline=None)
@given(messages_with_numbers())
def test_no_valid_french_number_is_left_in_a_masked_text(message):
    masked = mask(message)
    assert valid_numbers_in(masked) == [], (message, masked)


def test_the_property_sees_what_the_old_masker_left():
    assert valid_numbers_in("tel0612345678") == ["0612345678"]
    assert valid_numbers_in("06/12/34/56/78") == ["06/12/34/56/78"]
    assert valid_numbers_in(mask("tel0612345678 06/12/34/56/78 06–12–34–56–78")) == []


# ---------------------------------------------------------------- events


def test_metadata_keys_are_masked_like_values():
    event = {
        "event": "user",
        "text": "bonjour",
        "metadata": {
            "jean.dupont@example.org": {"06 12 34 56 78": "appel", "canal": "rest"},
            "marie＠exemple.fr": ["FR76 3000 6000 0112 3456 7890 189"],
            "paul@exemple.fr": 3,
        },
    }
    masked = mask_event(event)
    assert masked["metadata"] == {
        EMAIL_MASK: {PHONE_MASK: "appel", "canal": "rest"},
        f"{EMAIL_MASK} (2)": [IBAN_MASK],
        f"{EMAIL_MASK} (3)": 3,
    }
    assert "jean.dupont@example.org" in event["metadata"]  # the caller's event is left alone


def test_entities_still_point_at_their_words_when_normalisation_changes_lengths():
    text = "dispo… ／ tél ０６ １２ ３４ ５６ ７８ … pour le serious game ﬁnal"
    start = text.index("serious game")
    masked, moved = mask_with_offsets(text)
    assert masked == f"dispo... / tél {PHONE_MASK} ... pour le serious game final"
    assert masked[moved(start) : moved(start + 12, True)] == "serious game"
    final = text.index("ﬁnal")
    assert masked[moved(final) : moved(final + 4, True)] == "final"
    phone = text.index("０６")
    assert masked[moved(phone + 3) : moved(phone + 5, True)] == PHONE_MASK  # inside: the whole placeholder
    event = mask_event(
        {
            "event": "user",
            "text": text,
            "parse_data": {"entities": [{"entity": "event", "start": start, "end": start + 12}]},
        }
    )
    entity = event["parse_data"]["entities"][0]
    assert event["text"][entity["start"] : entity["end"]] == "serious game"
    [found] = pii_spans(text)
    assert text[found.start : found.end] == "０６ １２ ３４ ５６ ７８"
