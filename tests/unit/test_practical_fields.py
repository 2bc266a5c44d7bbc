"""An event's time, place, links, access and price: typed and checked by the loader, said by the bot when the
catalogue gives them, and named as not given when it does not, never guessed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.domain import answers
from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError, load_catalogue
from bot.domain.practical import hour, is_link, labelled, time_phrase
from tests.support.catalogues import mutated_copy

EDITION = Path(__file__).resolve().parents[1] / "fixtures" / "edition-2021-bretagne.yml"
BEFORE = dt.date(2021, 11, 10)  # before the first event of the edition
BETWEEN = dt.date(2021, 11, 20)  # after the workshop and the webinar, before the meeting of the 23rd
AFTER = dt.date(2022, 1, 5)  # the month is over
CONTACT = "Pour en savoir plus, contactez : SGAR Bretagne, mission innovation publique."


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(EDITION)


def practical(cat, event_id: str, today: dt.date) -> str:
    return answers.one_event(cat, "practical", cat.event(event_id), today)


# ------------------------------------------------------------------ the loader


def test_the_fields_are_typed_as_the_catalogue_gives_them(cat):
    workshop = cat.event("atelier-donnees")
    assert (workshop.start, workshop.end) == (dt.time(14, 0), dt.time(16, 30))
    assert workshop.place == "Salle des Lices, 12 rue de l'Exemple, Rennes"
    assert workshop.registration == "https://inscriptions.exemple.fr/atelier-donnees"
    assert (workshop.accessibility, workshop.price) == ("Salle accessible en fauteuil roulant", "Gratuit")
    webinar = cat.event("webinaire-simplification")
    assert (webinar.start, webinar.end) == (dt.time(10, 0), None)
    assert webinar.online_link == "https://visio.exemple.fr/simplification"
    assert webinar.registration == "Sur inscription auprès du SGAR Bretagne"
    assert cat.event("forum-agents").start == dt.time(9, 30)
    meeting = cat.event("rencontre-usagers")
    assert (meeting.start, meeting.place, meeting.online_link, meeting.registration, meeting.price) == (None,) * 5


def test_a_time_written_without_quotes_is_a_time_not_a_number_in_base_60(tmp_path):
    path = tmp_path / "catalogue.yml"
    path.write_text(EDITION.read_text(encoding="utf-8").replace('start: "14:00"', "start: 14:00"), encoding="utf-8")
    assert load_catalogue(path).event("atelier-donnees").start == dt.time(14, 0)


def test_the_2020_catalogue_gives_none_of_them():
    catalogue = load_catalogue()
    assert catalogue.month.timezone == "Europe/Paris"
    for event in catalogue.events:
        assert (event.start, event.end, event.place, event.online_link) == (None, None, None, None), event.id
        assert (event.registration, event.accessibility, event.price) == (None, None, None), event.id


def _write(tmp_path: Path, mutate) -> Path:
    return mutated_copy(EDITION, tmp_path, mutate)


def _event(index: int, **fields):
    return lambda d: d["events"][index].update(fields)


@pytest.mark.parametrize(
    "mutate, entry, field, words",
    [
        (_event(0, start="14h"), "événement « atelier-donnees »", "start", "heure invalide « 14h » (format attendu : HH:MM"),
        (_event(0, start="25:00"), "événement « atelier-donnees »", "start", "heure invalide « 25:00 »"),
        (_event(0, end="13:30"), "événement « atelier-donnees »", "end", "doit être après l'heure de début (14:00)"),
        (_event(0, end="14:00"), "événement « atelier-donnees »", "end", "doit être après"),
        (_event(3, end="12:00"), "événement « rencontre-usagers »", "end", "demande une heure de début"),
        (_event(1, online_link="visio.exemple.fr/simplification"), "événement « webinaire-simplification »",
         "online_link", "n'est pas une adresse web"),
        (_event(1, online_link="ftp://visio.exemple.fr"), "événement « webinaire-simplification »", "online_link",
         "https://"),
        (_event(1, online_link="https://"), "événement « webinaire-simplification »", "online_link", "adresse web"),
        (_event(1, place=["Rennes"]), "événement « webinaire-simplification »", "place", "doit être un texte"),
        (lambda d: d["month"].update(timezone="Europe/Lutece"), "mois", "timezone", "fuseau horaire « Europe/Lutece » inconnu"),
        (lambda d: d["month"].update(timezone="Europe"), "mois", "timezone", "fuseau horaire"),
    ],
)  # fmt: skip
def test_a_malformed_practical_field_is_named_in_french(tmp_path, mutate, entry, field, words):
    path = _write(tmp_path, mutate)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    error = caught.value
    assert (error.entry, error.field) == (entry, field)
    assert words in str(error) and str(path) in str(error)


def test_an_edition_without_time_zone_is_in_paris_and_another_zone_is_kept(tmp_path):
    assert load_catalogue(_write(tmp_path, lambda d: d["month"].pop("timezone"))).month.timezone == "Europe/Paris"
    path = _write(tmp_path, lambda d: d["month"].update(timezone="America/Cayenne"))
    assert load_catalogue(path).month.timezone == "America/Cayenne"


def test_a_registration_may_be_instructions_and_theme_people_projects_may_be_absent(cat):
    assert cat.month.theme is None and cat.month.format is None and cat.month.purpose is None
    assert cat.people == () and cat.projects == () and cat.glossary == ()


def test_the_2020_month_still_needs_what_it_gives_when_written(tmp_path):
    path = mutated_copy(DEFAULT_CATALOGUE_PATH, tmp_path, lambda d: d["month"].update(theme=["pas", "un", "texte"]))
    with pytest.raises(CatalogueError, match="mois, champ « theme » : doit être un texte"):
        load_catalogue(path)


# ------------------------------------------------------------------ how the bot says them


@pytest.mark.parametrize(
    "start, end, said",
    [
        (dt.time(14), dt.time(16, 30), "de 14 h à 16 h 30"),
        (dt.time(14), None, "à 14 h"),
        (dt.time(9, 5), dt.time(10), "de 9 h 05 à 10 h"),
        (None, None, None),
    ],
)
def test_the_time_is_said_the_french_way(cat, start, end, said):
    from dataclasses import replace

    assert time_phrase(replace(cat.event("rencontre-usagers"), start=start, end=end)) == said
    assert hour(dt.time(0, 0)) == "0 h"


def test_before_the_workshop_the_bot_gives_its_time_place_registration_access_and_price(cat):
    assert practical(cat, "atelier-donnees", BEFORE) == (
        "« Atelier : ouvrir les données de sa collectivité » a lieu le mardi 16 novembre 2021, de 14 h à 16 h 30.\n"
        "Lieu : Salle des Lices, 12 rue de l'Exemple, Rennes\n"
        "Inscription : https://inscriptions.exemple.fr/atelier-donnees\n"
        "Accessibilité : Salle accessible en fauteuil roulant\n"
        "Tarif : Gratuit\n"
        f"Le lien de connexion n'est pas indiqué. {CONTACT}"
    )


def test_the_webinar_gives_its_link_and_says_what_is_not_given(cat):
    reply = practical(cat, "webinaire-simplification", BEFORE)
    assert reply.startswith(
        "« Webinaire : simplifier un formulaire en ligne » a lieu le jeudi 18 novembre 2021, à 10 h."
    )
    assert "En ligne : https://visio.exemple.fr/simplification" in reply
    assert "Inscription : Sur inscription auprès du SGAR Bretagne" in reply
    assert reply.endswith(f"Le lieu n'est pas indiqué. L'accessibilité n'est pas indiquée. {CONTACT}")
    assert "ne donne ni l'horaire" not in reply


def test_on_the_day_of_the_forum_it_is_today(cat):
    reply = practical(cat, "forum-agents", dt.date(2021, 11, 19))
    assert reply.startswith(
        "« Forum des agents innovants » a lieu aujourd'hui, vendredi 19 novembre 2021, de 9 h 30 à 12 h."
    )
    assert "Lieu : Auditorium de la cité administrative, Brest" in reply
    for missing in (
        "Le lien de connexion n'est pas indiqué.",
        "Les modalités d'inscription ne sont pas indiquées.",
        "L'accessibilité n'est pas indiquée.",
        "Le tarif n'est pas indiqué.",
    ):
        assert missing in reply


def test_a_past_event_is_spoken_of_in_the_past_with_what_is_known(cat):
    reply = practical(cat, "atelier-donnees", BETWEEN)
    assert reply.startswith(
        "« Atelier : ouvrir les données de sa collectivité » a déjà eu lieu, le mardi 16 novembre 2021, de 14 h à 16 h 30."
    )
    assert "Lieu : Salle des Lices" in reply and "terminé" not in reply


def test_once_the_month_is_over_registering_says_so_first_then_what_is_known(cat, tmp_path):
    reply = practical(cat, "webinaire-simplification", AFTER)
    assert reply.startswith(
        "Le Mois de l'innovation publique en Bretagne est terminé : « Webinaire : simplifier un formulaire en ligne » "
        "a eu lieu le jeudi 18 novembre 2021, à 10 h."
    )
    assert reply.index("terminé") < reply.index("En ligne : https://visio.exemple.fr") < reply.index("contactez")


def test_an_event_with_nothing_practical_keeps_the_honest_sentence(cat):
    assert practical(cat, "rencontre-usagers", BEFORE) == (
        "Le dossier de presse ne donne ni l'horaire, ni le lieu, ni le lien d'inscription ou de connexion de "
        "« Rencontre avec les usagers du service public » (mardi 23 novembre 2021). Je ne peux donc pas vous les "
        f"indiquer. {CONTACT}"
    )


def test_the_details_list_the_practical_fields_given_one_a_line(cat):
    lines = answers.one_event(cat, "details", cat.event("webinaire-simplification"), BEFORE).splitlines()
    assert lines[:8] == [
        "Webinaire : simplifier un formulaire en ligne",
        "Date : jeudi 18 novembre 2021",
        "Organisation : le SGAR Bretagne",
        "Thèmes : la simplification administrative",
        "Horaire : à 10 h",
        "En ligne : https://visio.exemple.fr/simplification",
        "Inscription : Sur inscription auprès du SGAR Bretagne",
        "Tarif : Gratuit",
    ]
    meeting = answers.one_event(cat, "details", cat.event("rencontre-usagers"), BEFORE)
    assert not any(word in meeting for word in ("Horaire", "Lieu", "Inscription", "Tarif", "n'est pas indiqué"))


def test_registering_after_the_month_without_naming_an_event_asks_which_one(cat):
    from bot.domain.linking import Linker
    from bot.domain.queries import read_criteria

    criteria = read_criteria(Linker(cat), [], "comment on s'inscrit ?", AFTER)
    reply = answers.answer_about_events(cat, "practical", criteria, [], today=AFTER).replies[0].text
    assert reply.startswith("Le Mois de l'innovation publique en Bretagne est terminé : ses 4 événements ont eu lieu")
    assert "Nommez un événement" in reply and "ne donne ni l'horaire" not in reply


def test_the_online_link_and_a_registration_address_are_links_instructions_are_not():
    event = load_catalogue(EDITION).events[0]
    both = dataclasses.replace(
        event, online_link="https://visio.exemple.fr/a", registration="https://inscription.exemple.fr/a", place="Rennes"
    )
    links = {label: is_link(both, value) for label, value in labelled(both)}
    assert links == {
        "Horaire": False,
        "Lieu": False,
        "En ligne": True,
        "Inscription": True,
        "Accessibilité": False,
        "Tarif": False,
    }
    by_mail = dataclasses.replace(both, registration="par courriel : lab@exemple.fr")
    assert not is_link(by_mail, "par courriel : lab@exemple.fr")
