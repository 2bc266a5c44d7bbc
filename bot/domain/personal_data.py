"""Mask personal data before anything is written to disk.

Email addresses, phone numbers, IBANs, French social-security numbers (NIR) and payment card numbers
are replaced by a French placeholder. Used by the tracker store (every event, every channel) and by
the staff review. The placeholders are not valid Rasa entity annotations, so a masked text can be
copied into training data as is.

The text is NFKC-normalised first (a fullwidth `＠` or `０６` is an `@` or a `06`), and the masked text is
the normalised text with placeholders. Phone numbers are found by Google's `phonenumbers` (libphonenumber),
French numbers first; what its matcher leaves out (`06/12/34/56/78`, `tel0612345678`) is caught by
checking every run of digits joined by one kind of separator with `phonenumbers.is_valid_number`.
Dates, times and years (24/11/2020, 2020-11-24, 14h30, 1990-1991) are not valid numbers, so they stay.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import phonenumbers

EMAIL_MASK = "<courriel>"
PHONE_MASK = "<téléphone>"
IBAN_MASK = "<iban>"
NIR_MASK = "<numéro de sécurité sociale>"
CARD_MASK = "<carte bancaire>"
PLACEHOLDERS = (EMAIL_MASK, PHONE_MASK, IBAN_MASK, NIR_MASK, CARD_MASK)
REGION = "FR"
FRENCH_CALLING_CODE = 33


class PersonalData(NamedTuple):
    start: int
    end: int
    placeholder: str


def mask(text: str) -> str:
    return mask_with_offsets(text)[0]


def contains_pii(text: str) -> bool:
    return bool(pii_spans(text))


def pii_spans(text: str) -> list[PersonalData]:
    """Where the personal data is in the original text (before normalisation), with its placeholder."""
    normalised = _Normalised(text)
    return [
        PersonalData(*normalised.original_span(start, end), placeholder)
        for start, end, placeholder in _find(normalised.text)
    ]


def personal_spans(text: str) -> list[tuple[int, int]]:
    """Personal data and the placeholders that replaced it (a stored text is already masked)."""
    normalised = _Normalised(text)
    placeholders = [normalised.original_span(*m.span()) for m in _PLACEHOLDER.finditer(normalised.text)]
    return sorted([(found.start, found.end) for found in pii_spans(text)] + placeholders)


def mask_with_offsets(text: str) -> tuple[str, Callable[[int, bool], int]]:
    """The masked text, and where a position of the original text lands in it (for entity offsets).

    A position inside personal data lands on the placeholder's start (an entity's start) or end (`is_end`)."""
    normalised = _Normalised(text)
    spans = _find(normalised.text)
    source = normalised.text
    pieces, cursor = [], 0
    for start, end, placeholder in spans:
        pieces += [source[cursor:start], placeholder]
        cursor = end
    pieces.append(source[cursor:])

    def moved(position: int, is_end: bool = False) -> int:
        position = normalised.position(position, is_end)
        shift = 0
        for start, end, placeholder in spans:
            if position <= start:
                break
            if position < end:  # inside personal data: the placeholder's edge
                return start + shift + (len(placeholder) if is_end else 0)
            shift += len(placeholder) - (end - start)
        return position + shift

    return "".join(pieces), moved


def mask_event(data: dict[str, Any]) -> dict[str, Any]:
    """A serialised Rasa event with every string masked and the entity offsets moved to the masked text.

    User messages, parse data, entities, slot values, bot messages and channel metadata alike, keys as
    well as values: no list of fields to keep up to date, and nothing an event type adds later escapes
    the masking.
    """
    masked = _mask_value(data)
    text = data.get("text")
    parse_data = masked.get("parse_data")
    if isinstance(text, str) and isinstance(parse_data, dict) and isinstance(parse_data.get("entities"), list):
        _, moved = mask_with_offsets(text)
        for entity in parse_data["entities"]:
            if isinstance(entity, dict) and isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int):
                entity["start"], entity["end"] = moved(entity["start"]), moved(entity["end"], True)
    return masked


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        masked: dict[Any, Any] = {}
        for key, item in value.items():
            new_key = mask(key) if isinstance(key, str) else key
            if new_key in masked:  # two addresses as keys: both kept, under numbered placeholders
                number = 2
                while f"{new_key} ({number})" in masked:
                    number += 1
                new_key = f"{new_key} ({number})"
            masked[new_key] = _mask_value(item)
        return masked
    if isinstance(value, (list, tuple)):
        return [_mask_value(item) for item in value]
    return value


# ---------------------------------------------------------------- detection (on the normalised text)

_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))
# Local part: RFC 5322 "atext" and dots, so that nothing of an unusual address is left in clear; it starts
# where such characters start (a long word without "@" is read once, not once from each of its letters).
_EMAIL = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# An IBAN starts with a country code and two check digits, then up to 30 letters and digits, in groups.
_IBAN_START = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}")
_IBAN_GROUP = re.compile(r"[ -]?([A-Za-z0-9]+)")
# NIR: sex, year, month, department (2A/2B in Corsica), commune and order number (6 digits), key (2).
_NIR = re.compile(
    r"(?<!\d)[1-478](?:[ .-]?\d){4}[ .-]?(?:2[ .-]?[AaBb]|\d[ .-]?\d)(?:[ .-]?\d){6}[ .-]?\d[ .-]?\d(?!\d)"
)
_DIGITS = re.compile(r"\d+")
# Between two groups of digits of one number: spaces, or one dot, dash or slash (possibly spaced).
_GAP = re.compile(r"\s{1,3}|\s?[-./\u2010-\u2015\u2212]\s?")
_CARD_GAPS = {" ", "-"}
# Before the digits of a phone number, with its own separator: "+", "+33 ", "(+33) ", "+33 (0)", "0033.".
_PHONE_PREFIX = re.compile(
    r"(?:\+|(?<![\d+])(?:\(\s?(?:\+|00)\d{1,3}\s?\)|(?:\+|00)\d{1,3}(?:\s?\(0\))?)(?:\s{1,3}|\s?[-.]\s?)?)$"
)
# A number the phonenumbers matcher finds right after "<digit>:", "<digit>/", "<digit>." or "<digit>-" ends a
# time or a date
# ("0:01 1990-1991" is not the Paris number 01 19 90 19 91).
_AFTER_DATE_OR_TIME = re.compile(r"\d[.:/-]$")
_MAX_DIGITS = 19  # in a window: the longest card number; a phone number has at most 17 (0033 and 15 digits)
_BLANK = "\0"  # what found data is replaced with while looking for the next kind: neither digit, letter nor separator


def _find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, placeholder) of the personal data in a normalised text, in order, without overlaps."""
    found: list[tuple[int, int, str]] = []
    for placeholder, finder in (
        (EMAIL_MASK, _emails),
        (IBAN_MASK, _ibans),
        (NIR_MASK, _nirs),
        (CARD_MASK, _cards),
        (PHONE_MASK, _phones),
    ):
        if placeholder != EMAIL_MASK and sum(c.isdigit() for c in text) < 5:
            break
        spans = list(finder(text))
        found += [(start, end, placeholder) for start, end in spans]
        text = _blanked(text, spans)  # each kind is looked for where the previous ones were not found
    return sorted(found)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        pieces += [text[cursor:start], _BLANK * (end - start)]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for match in _EMAIL.finditer(text):
        yield match.span()


def _ibans(text: str) -> Iterator[tuple[int, int]]:
    position = 0
    while match := _IBAN_START.search(text, position):
        ends, compact, cursor = [], match.group(), match.end()
        while len(compact) <= 34 and (group := _IBAN_GROUP.match(text, cursor)):
            compact += group.group(1)
            cursor = group.end()
            ends.append((cursor, compact))
        valid = [end for end, candidate in ends if _iban_is_valid(candidate)]
        if valid:
            yield match.start(), valid[-1]
            position = valid[-1]
        else:
            position = match.start() + 1


def _iban_is_valid(compact: str) -> bool:
    """ISO 13616: 15 to 34 letters and digits; moved to the end, the first four make a number ≡ 1 (mod 97)."""
    compact = compact.upper()
    if not (15 <= len(compact) <= 34 and compact.isascii() and compact.isalnum()):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _nirs(text: str) -> Iterator[tuple[int, int]]:
    position = 0
    while match := _NIR.search(text, position):
        if _nir_is_valid(match.group()):
            yield match.span()
            position = match.end()
        else:
            position = match.start() + 1


def _nir_is_valid(candidate: str) -> bool:
    """13 characters and a key of 97 − (number mod 97); Corsica's 2A and 2B count as 19 and 18."""
    compact = re.sub(r"[ .-]", "", candidate).upper()
    number = (
        compact[:13].replace("2A", "19", 1).replace("2B", "18", 1) if compact[5:7] in ("2A", "2B") else compact[:13]
    )
    return number.isdigit() and compact[13:].isdigit() and 97 - int(number) % 97 == int(compact[13:])


def _cards(text: str) -> Iterator[tuple[int, int]]:
    def is_card(window: str, groups: list[str], gap: str) -> bool:
        digits = "".join(groups)
        if not (13 <= len(digits) <= 19 and digits[0] in "23456") or (len(groups) > 1 and gap not in _CARD_GAPS):
            return False
        sizes = [len(g) for g in groups]
        laid_out = (
            len(groups) == 1
            or (all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4)
            or sizes in ([4, 6, 5], [4, 6, 4])
        )
        return laid_out and _luhn(digits)

    return _digit_windows(text, is_card)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _phones(text: str) -> Iterator[tuple[int, int]]:
    matched = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.VALID)
        if not _AFTER_DATE_OR_TIME.search(text[max(0, m.start - 2) : m.start])
    ]
    yield from matched
    yield from _digit_windows(_blanked(text, matched), _is_written_phone_number, _PHONE_PREFIX)


def _is_written_phone_number(window: str, groups: list[str], gap: str) -> bool:
    """A number written with its national prefix (06…) or an international one (+33…, 0033…): valid, or for a
    French number of the right length only (a range opened after this version of phonenumbers is still masked).

    Nine digits without a prefix ("612345678", "2020 44000") could be anything: they are left alone."""
    lead = window.lstrip("( ")[:1]
    if lead not in ("+", "0"):
        return False
    digits = sum(c.isdigit() for c in window)
    if not ((lead == "+" and 7 <= digits <= 15) or (lead == "0" and 10 <= digits <= 17)):
        return False
    try:
        number = phonenumbers.parse(window, REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) or (
        number.country_code == FRENCH_CALLING_CODE and phonenumbers.is_possible_number(number)
    )


def _digit_windows(
    text: str, accept: Callable[[str, list[str], str], bool], prefix: re.Pattern[str] | None = None
) -> Iterator[tuple[int, int]]:
    """Spans of the accepted windows: runs of digit groups joined by one kind of separator (or a single group,
    whatever is around it: "tel0612345678"), with the `prefix` right before them if there is one, else
    without it; leftmost, then longest, first."""
    groups = [m.span() for m in _DIGITS.finditer(text)]
    gaps = []
    for (_, end), (start, _) in zip(groups, groups[1:], strict=False):
        between = text[end:start]
        gaps.append((between.strip() or " ") if _GAP.fullmatch(between) else None)
    index = floor = 0  # floor: the end of the last window found, that a prefix cannot reach back over
    while index < len(groups):
        last, digits = index, groups[index][1] - groups[index][0]
        while last < len(gaps) and gaps[last] is not None and gaps[last] == gaps[index]:
            digits += groups[last + 1][1] - groups[last + 1][0]
            if digits > _MAX_DIGITS:
                break
            last += 1
        before = prefix.search(text[max(0, groups[index][0] - 16) : groups[index][0]]) if prefix else None
        starts = [groups[index][0]]
        if before and groups[index][0] - len(before.group()) >= floor:
            starts.insert(0, groups[index][0] - len(before.group()))
        parts = [text[a:b] for a, b in groups[index : last + 1]]
        found = next(
            (
                (start, stop)
                for start in starts
                for stop in range(last, index - 1, -1)
                if accept(text[start : groups[stop][1]], parts[: stop - index + 1], gaps[index] if stop > index else "")
            ),
            None,
        )
        if found:
            yield found[0], groups[found[1]][1]
            index, floor = found[1] + 1, groups[found[1]][1]
        else:
            index += 1


# ---------------------------------------------------------------- normalisation and positions


class _Normalised:
    """The NFKC form of a text, and how positions move between the original and the normalised text.

    The text is cut before every character that does not combine with the previous one, pieces that
    normalise together are merged, and each piece is normalised on its own."""

    def __init__(self, original: str) -> None:
        self.original = original
        if unicodedata.is_normalized("NFKC", original):
            self.text, self._pieces = original, None
            return
        pieces: list[str] = []
        for char in original:
            if (
                pieces
                and unicodedata.combining(char)
                or pieces
                and _nfkc(pieces[-1] + char) != _nfkc(pieces[-1]) + _nfkc(char)
            ):
                pieces[-1] += char
            else:
                pieces.append(char)
        # (start in the original, end in the original, start in the normalised text, end in it)
        self._pieces = []
        start = normalised_start = 0
        for piece in pieces:
            size = len(_nfkc(piece))
            self._pieces.append((start, start + len(piece), normalised_start, normalised_start + size))
            start, normalised_start = start + len(piece), normalised_start + size
        self.text = "".join(_nfkc(piece) for piece in pieces)
        if self.text != _nfkc(original):  # a combination not seen piece by piece: one piece, coarse positions
            self.text = _nfkc(original)
            self._pieces = [(0, len(original), 0, len(self.text))]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where a span of the normalised text comes from in the original."""
        if self._pieces is None:
            return start, end
        first = next(p for p in self._pieces if p[3] > start)
        last = next(p for p in reversed(self._pieces) if p[2] < end)
        return first[0], last[1]

    def position(self, position: int, is_end: bool = False) -> int:
        """Where a position of the original text lands in the normalised one (inside a piece: its edge)."""
        if self._pieces is None:
            return position
        for start, end, normalised_start, normalised_end in self._pieces:
            if position == start:
                return normalised_start
            if position < end:
                return normalised_end if is_end else normalised_start
        return len(self.text)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
