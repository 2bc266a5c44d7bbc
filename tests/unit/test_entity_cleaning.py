"""Entity spans are trimmed to the words that name something (docs/conventions-nlu.md)."""

from __future__ import annotations

import pytest

from bot.runtime.nlu.entity_cleaning import clean_entities


def predicted(text: str, *spans: tuple[str, str]) -> list[dict]:
    entities = []
    for entity_type, words in spans:
        start = text.index(words)
        entities.append(
            {
                "entity": entity_type,
                "start": start,
                "end": start + len(words),
                "value": words,
                "extractor": "DIETClassifier",
            }
        )
    return entities


def kept(text: str, *spans: tuple[str, str]) -> list[tuple[str, str]]:
    return [(e["entity"], e["value"]) for e in clean_entities(text, predicted(text, *spans))]


@pytest.mark.parametrize(
    "text, spans, expected",
    [
        ("par qui est organisé le vu d'ailleurs", [("event", "le vu d'ailleurs")], [("event", "vu d'ailleurs")]),
        ("c'est quoi « passer le cap » ?", [("event", "«"), ("event", "passer le cap")], [("event", "passer le cap")]),
        (
            "et si demain nous comptons autrement ca parle de quoi",
            [("event", "et si demain nous comptons autrement ca")],
            [("event", "et si demain nous comptons autrement")],
        ),
        (
            "qu'est ce qui est au programme cette semaine ?",
            [("date", "ce"), ("date", "au"), ("date", "cette semaine")],
            [("date", "cette semaine")],
        ),
        ("bye bye, bonne semaine", [("date", "bye")], []),
        (
            "c kan l'atelier carte mentale",
            [("event", "atelier"), ("event", "carte mentale")],
            [("event", "carte mentale")],
        ),
        ("j'aimerais en savoir plus sur compter autrement", [("event", "plus")], []),
        ("qu'y a-t-il le 19 ?", [("date", "le 19")], [("date", "19")]),
    ],
)
def test_spans_are_trimmed_or_dropped(text, spans, expected):
    assert kept(text, *spans) == expected


@pytest.mark.parametrize(
    "text, spans",
    [
        ("Tout comprendre sur les communs", [("event", "Tout comprendre sur les communs")]),
        ("des ateliers sur l'UX ?", [("topic", "UX")]),
        ("qu'est-ce que l'ASE ?", [("topic", "ASE")]),
        ("qui est Anne-Laure Guillaume ?", [("person", "Anne-Laure Guillaume")]),
        ("le programme de jeudi prochain", [("date", "jeudi prochain")]),
    ],
)
def test_good_spans_are_left_alone(text, spans):
    assert kept(text, *spans) == list(spans)


def test_payload_entities_without_position_pass_through():
    entity = {"entity": "event", "value": "serious-game"}
    assert clean_entities("/inform", [entity]) == [entity]
