"""Choosing the fallback threshold on the development set: what counts as right, wrong or a fallback."""

from bot.tooling.fallback_tuning import Outcome, Understood, best, configured_fallback, outcome

SENTENCES = [
    # « c'est quand le serious game ? », understood with confidence
    Understood("ask_event_date", (("ask_event_date", 0.92), ("ask_event_details", 0.03))),
    # « qui anime l'atelier ? », right but hesitant
    Understood("ask_event_organiser", (("ask_event_organiser", 0.47), ("ask_person", 0.2))),
    # « on peut venir avec les enfants ? », taken for an organiser question
    Understood("ask_event_practical", (("ask_event_organiser", 0.48), ("ask_event_practical", 0.3))),
    # « la recette de la galette des rois ? », off topic: a fallback is the right answer
    Understood("out_of_scope", (("ask_month", 0.4), ("out_of_scope", 0.35))),
]


def test_raising_the_threshold_loses_hesitant_right_answers_and_avoids_hesitant_wrong_ones():
    assert outcome(SENTENCES, 0.45, ambiguity=0.05) == Outcome(0.45, right=3, fallbacks=0, wrong=1)
    assert outcome(SENTENCES, 0.5, ambiguity=0.05) == Outcome(0.5, right=2, fallbacks=2, wrong=0)


def test_an_off_topic_sentence_that_falls_back_is_a_right_answer():
    assert outcome(SENTENCES[3:], 0.3, ambiguity=0.05).wrong == 1
    assert outcome(SENTENCES[3:], 0.3, ambiguity=0.1).right == 1  # two intents too close: fallback


def test_the_threshold_kept_has_the_most_right_minus_wrong_answers_the_higher_on_a_tie():
    outcomes = [Outcome(0.4, 10, 0, 3), Outcome(0.45, 9, 2, 2), Outcome(0.5, 8, 4, 1)]
    assert best(outcomes).threshold == 0.5


def test_the_threshold_is_read_from_the_project_config():
    threshold, ambiguity = configured_fallback()
    assert 0 < threshold < 1 and 0 < ambiguity < threshold
