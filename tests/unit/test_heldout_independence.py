"""The held-out NLU test set (tests/nlu/test_nlu.yml) stays independent of the training data.

The comparison is bot/tooling/heldout.py's. The failure message names only the held-out sentences,
never the training ones: the writer of the held-out set fixes its own sentence without ever reading
the training data.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.tooling.heldout import (
    MIN_PER_INTENT,
    MIN_SENTENCES,
    THRESHOLD,
    declared_intents,
    heldout,
    near_duplicates,
    normalise,
)


def test_normalisation_replaces_annotations_by_their_type():
    assert normalise("C'est quand le [Serious Game](event) ?") == "c est quand le event"
    assert normalise('qui anime l\'[atelier]{"entity": "event", "value": "x"} ?') == "qui anime l event"
    assert normalise("Le  Département,  DÉCEMBRE !") == "le departement decembre"


def test_no_heldout_sentence_is_a_near_duplicate_of_a_training_sentence():
    offenders = near_duplicates()
    listing = "\n".join(f"  {ratio:.2f}  [{intent}]  {sentence}" for ratio, intent, sentence in sorted(offenders))
    if offenders:  # pytest.fail, not assert: the report must not echo anything but held-out sentences
        pytest.fail(
            f"{len(offenders)} phrase(s) du jeu de test indépendant trop proche(s) d'une phrase "
            f"d'entraînement (ratio >= {THRESHOLD}) : réécrire ces phrases de tests/nlu/test_nlu.yml "
            f"(sans regarder data/nlu/).\n{listing}",
            pytrace=False,
        )


def test_heldout_set_is_large_and_covers_every_intent_of_the_domain():
    examples = heldout()
    assert len(examples) >= MIN_SENTENCES, f"{len(examples)} phrases seulement (minimum {MIN_SENTENCES})"
    counts = Counter(intent for intent, _ in examples)
    thin = {intent: counts.get(intent, 0) for intent in declared_intents() if counts.get(intent, 0) < MIN_PER_INTENT}
    assert not thin, f"intentions avec moins de {MIN_PER_INTENT} phrases de test : {thin}"


def test_heldout_intents_are_declared_in_the_domain():
    unknown = sorted({intent for intent, _ in heldout()} - set(declared_intents()))
    assert not unknown, f"intentions du jeu de test absentes de domain.yml : {unknown}"
