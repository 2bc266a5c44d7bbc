"""The catalogue editor: staff change events, organisers, topics and glossary terms by forms; the catalogue is
checked whole by the project's validator before it is written, every save is a version that can be undone.

Against the real console server (`python -m bot console`) running in a copy of the project.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.domain.catalogue import Event, load_catalogue
from tests.console.conftest import EDITOR, StaffClient, assert_no_axe_violations, log_in_browser

NEW_DESCRIPTION = (
    "Les communs sont des ressources gérées collectivement par une communauté : logiciels libres, jardins "
    "partagés, énergie renouvelable. La 27e Région présente leurs grands principes avec des exemples concrets."
)
VERSION_LINK = re.compile(r'href="/catalogue/versions/([0-9a-z._-]+)"')


def catalogue_file(project: Path) -> Path:
    return project / "data" / "catalogue.yml"


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def event_form(event: Event, **changes: object) -> dict[str, object]:
    """The edit form of an event as the page fills it, with some fields changed as a person would type them."""
    form: dict[str, object] = {
        "title": event.title,
        "date": event.date.isoformat(),
        "organisers": list(event.organisers),
        "speakers": list(event.speakers),
        "people": list(event.people),
        "kind": event.kind,
        "format": event.format or "",
        "start": f"{event.start:%H:%M}" if event.start else "",
        "end": f"{event.end:%H:%M}" if event.end else "",
        "place": event.place or "",
        "online_link": event.online_link or "",
        "registration": event.registration or "",
        "accessibility": event.accessibility or "",
        "price": event.price or "",
        "topics": list(event.topics),
        "aliases": "\n".join(event.aliases),
        "description": event.description,
    }
    form.update(changes)
    return form


def version_ids(editor: StaffClient) -> list[str]:
    """Newest first, as the versions page lists them."""
    page = editor.get("/catalogue/versions")
    assert page.status_code == 200
    return list(dict.fromkeys(VERSION_LINK.findall(page.text)))


def test_the_catalogue_page_lists_events_organisers_topics_and_terms(editor: StaffClient):
    page = editor.get("/catalogue")
    assert page.status_code == 200
    for expected in (
        "Tout comprendre sur les communs",  # an event
        "SGAR Pays de la Loire",  # an organiser
        "la comptabilité CARE",  # a topic and a term
        'href="/catalogue/evenements/communs/modifier"',
        'href="/catalogue/organisateurs/sgar/modifier"',
        'href="/catalogue/themes/care/modifier"',
        'href="/catalogue/glossaire/ditp/modifier"',
        'href="/catalogue/evenements/nouveau"',
        'href="/catalogue/glossaire/nouveau"',
    ):
        assert expected in page.text, expected
    assert "contient une erreur" not in page.text


def test_the_edit_form_shows_the_event_as_it_is_in_the_file(editor: StaffClient):
    page = editor.get("/catalogue/evenements/serious-game/modifier")
    assert page.status_code == 200
    assert 'value="Serious game : mener un entretien difficile et retour d&#39;expérience"' in page.text
    assert 'type="date" value="2020-11-25"' in page.text
    assert re.search(r'name="organisers" value="ira-nantes" checked', page.text)
    assert not re.search(r'name="organisers" value="cd44" checked', page.text)
    assert "jeu sérieux\nentretien difficile" in page.text  # aliases, one a line


def test_editing_an_event_description_keeps_the_comments_and_the_catalogue_valid(
    editor: StaffClient, console_project: Path
):
    path = catalogue_file(console_project)
    before = path.read_text(encoding="utf-8")
    event = load_catalogue(path).event("communs")

    response = editor.post("/catalogue/evenements/communs/modifier", event_form(event, description=NEW_DESCRIPTION))

    assert response.status_code == 200 and response.url.endswith("/catalogue")
    assert "Événement « communs » enregistré" in response.text
    after = path.read_text(encoding="utf-8")
    assert after != before
    assert comments(after) == comments(before)
    catalogue = load_catalogue(path)
    assert catalogue.event("communs").description == NEW_DESCRIPTION
    assert catalogue.event("communs").organisers == event.organisers
    assert "    description: >-\n      Les communs sont des ressources" in after  # folded like the rest of the file
    assert "événement communs modifié" in editor.get("/journal?action=catalogue").text


def test_a_new_event_added_through_the_form_is_in_the_catalogue_the_bot_loads(
    editor: StaffClient, console_project: Path
):
    form = {
        "id": "hackathon-donnees",
        "title": "Hackathon des données publiques",
        "date": "2020-11-27",
        "organisers": ["sgar", "region"],
        "kind": "atelier",
        "topics": ["numerique"],
        "aliases": "hackathon des données\r\nhackathon des données publiques\r\n\r\nhackathon",
        "description": "Une journée pour construire des services à partir des données publiques de la région.",
    }

    response = editor.post("/catalogue/evenements/nouveau", form)

    assert response.status_code == 200 and response.url.endswith("/catalogue")
    event = load_catalogue(catalogue_file(console_project)).event("hackathon-donnees")
    assert event.title == "Hackathon des données publiques"
    assert event.organisers == ("sgar", "region")
    assert event.aliases == ("hackathon des données", "hackathon des données publiques", "hackathon")
    assert "hackathon-donnees" in editor.get("/catalogue").text
    assert "événement hackathon-donnees ajouté" in editor.get("/journal?action=catalogue").text


def test_an_invalid_event_comes_back_with_each_field_in_error_and_nothing_is_written(
    editor: StaffClient, console_project: Path
):
    path = catalogue_file(console_project)
    before = path.read_bytes()
    event = load_catalogue(path).event("mind-mapping")
    typed = event_form(event, title="  ", date="2020-12-03", organisers=["region", "mairie-de-nantes"])

    response = editor.post("/catalogue/evenements/mind-mapping/modifier", typed)

    assert response.status_code == 422
    assert path.read_bytes() == before
    page = response.text
    assert "Rien n'a été enregistré : 3 erreurs à corriger" in page
    # Each field in error: its group marked, its message linked to it.
    assert re.search(r'fr-input-group--error">\s*<label class="fr-label" for="champ-title">', page)
    assert 'id="champ-title" name="title" type="text" value="  " required aria-describedby="champ-title-erreur"' in page
    assert '<p class="fr-error-text" id="champ-title-erreur">champ obligatoire manquant ou vide</p>' in page
    assert re.search(r'id="champ-date" name="date" type="date" value="2020-12-03"[^>]*champ-date-erreur', page)
    assert "2020-12-03 n&#39;est pas dans le mois novembre 2020" in page
    assert 'fr-fieldset fr-fieldset--error" id="champ-organisers"' in page
    assert "organisateur « mairie-de-nantes » inconnu" in page
    # What the user typed is all there, the unknown organiser included.
    assert re.search(r'name="organisers" value="region" checked', page)
    assert re.search(r'name="organisers" value="mairie-de-nantes" checked', page)
    assert "carte mentale\ncartes mentales" in page
    assert '<a href="#champ-date">Date : 2020-12-03' in page  # the summary leads to the field


def test_an_events_time_place_and_links_are_edited_by_the_form_and_checked(editor: StaffClient, console_project: Path):
    path = catalogue_file(console_project)
    event = load_catalogue(path).event("communs")
    practical = {
        "start": "14:00",
        "end": "16:30",
        "place": "Préfecture de Loire-Atlantique, salle Erdre",
        "online_link": "https://visio.exemple.fr/communs",
        "registration": "Sur inscription auprès du SGAR",
        "accessibility": "Sous-titrage en direct",
        "price": "Gratuit",
    }

    response = editor.post("/catalogue/evenements/communs/modifier", event_form(event, **practical))

    assert response.status_code == 200 and response.url.endswith("/catalogue")
    saved = load_catalogue(path).event("communs")
    assert (saved.start, saved.end) == (dt.time(14, 0), dt.time(16, 30))
    assert (saved.place, saved.online_link, saved.price) == (
        practical["place"],
        practical["online_link"],
        "Gratuit",
    )
    assert '    start: "14:00"\n    end: "16:30"\n' in path.read_text(encoding="utf-8")
    form = editor.get("/catalogue/evenements/communs/modifier").text
    assert 'id="champ-start" name="start" type="text" value="14:00"' in form
    assert 'value="https://visio.exemple.fr/communs"' in form

    before = path.read_bytes()
    wrong = event_form(saved, end="13:00", online_link="visio.exemple.fr")
    refused = editor.post("/catalogue/evenements/communs/modifier", wrong)
    assert refused.status_code == 422 and path.read_bytes() == before
    assert "l&#39;heure de fin (13:00) doit être après l&#39;heure de début (14:00)" in refused.text
    assert "« visio.exemple.fr » n&#39;est pas une adresse web" in refused.text
    assert "champ-end-erreur" in refused.text and "champ-online_link-erreur" in refused.text


def test_a_new_entry_needs_an_identifier_of_its_own(editor: StaffClient, console_project: Path):
    path = catalogue_file(console_project)
    before = path.read_bytes()
    response = editor.post("/catalogue/themes/nouveau", {"id": "care", "label": "la comptabilité verte", "aliases": ""})
    assert response.status_code == 422
    assert path.read_bytes() == before
    assert "identifiant « care » déjà utilisé dans « topics »" in response.text
    assert '<p class="fr-error-text" id="champ-aliases-erreur">la liste ne doit pas être vide</p>' in response.text
    assert 'value="la comptabilité verte"' in response.text


def test_an_organiser_and_a_glossary_term_are_edited_by_their_own_forms(editor: StaffClient, console_project: Path):
    response = editor.post(
        "/catalogue/organisateurs/cnfpt/modifier",
        {
            "name": "CNFPT",
            "in_sentence": "le Centre national de la fonction publique territoriale (CNFPT)",
            "aliases": "CNFPT\ncentre national de la fonction publique territoriale",
        },
    )
    assert response.status_code == 200 and response.url.endswith("/catalogue")
    term_page = editor.get("/catalogue/glossaire/care/modifier")
    assert '<option value="topic:care" selected>' in term_page.text
    response = editor.post(
        "/catalogue/glossaire/care/modifier",
        {
            "label": "la comptabilité CARE",
            "definition": "comptabilité adaptée au renouvellement de l'environnement",
            "refers_to": "topic:care",
            "events": ["compter-autrement"],
            "aliases": "comptabilité CARE\nCARE",
        },
    )
    assert response.status_code == 200 and response.url.endswith("/catalogue")
    catalogue = load_catalogue(catalogue_file(console_project))
    assert catalogue.organiser("cnfpt").aliases[1] == "centre national de la fonction publique territoriale"
    assert catalogue.term("care").events == ("compter-autrement",)
    assert catalogue.term("care").refers_to == ("topic", "care")


def test_every_save_is_a_version_that_can_be_compared_and_restored(editor: StaffClient, console_project: Path):
    path = catalogue_file(console_project)
    before = path.read_text(encoding="utf-8")
    event = load_catalogue(path).event("passer-le-cap")
    editor.post("/catalogue/evenements/passer-le-cap/modifier", event_form(event, format="à distance"))
    assert "format: à distance" in path.read_text(encoding="utf-8")

    versions = editor.get("/catalogue/versions").text
    assert "événement passer-le-cap modifié" in versions and EDITOR[0] in versions
    newest, previous = version_ids(editor)[:2]
    assert "identique au catalogue actuel" in editor.get(f"/catalogue/versions/{newest}").text

    diff = editor.get(f"/catalogue/versions/{previous}").text
    assert "<del>    format: à distance</del>" in diff  # going back removes the line…
    assert "retirée" in diff  # …said in words, not by colour alone

    confirmation = editor.get(f"/catalogue/versions/{previous}/restaurer")
    assert "Revenir à la version du" in confirmation.text and 'method="post"' in confirmation.text
    assert path.read_text(encoding="utf-8") != before  # asking is not doing

    restored = editor.post(f"/catalogue/versions/{previous}/restaurer")
    assert restored.status_code == 200 and restored.url.endswith("/catalogue/versions")
    assert path.read_text(encoding="utf-8") == before
    assert load_catalogue(path).event("passer-le-cap").format is None
    assert "retour à la version du" in editor.get("/journal?action=catalogue").text
    assert len(version_ids(editor)) >= 3  # the restore is a version too


def test_an_unknown_entry_or_version_is_a_french_404(editor: StaffClient):
    assert editor.get("/catalogue/evenements/nulle-part/modifier").status_code == 404
    missing = editor.get("/catalogue/versions/20201101-000000-000000-personne")
    assert missing.status_code == 404 and "n&#39;existe pas" in missing.text
    assert editor.get("/catalogue/versions/..%2f..%2fdata%2fcatalogue").status_code == 404


def test_staff_fix_an_event_in_the_browser_and_every_page_passes_axe(console, console_project: Path, page):
    log_in_browser(page, console, EDITOR)
    page.goto(console.url + "/catalogue")
    assert_no_axe_violations(page, "catalogue")

    page.get_by_role("link", name="Modifier événement ase-majorite").click()
    page.wait_for_url("**/catalogue/evenements/ase-majorite/modifier")
    assert_no_axe_violations(page, "formulaire d'événement")

    page.get_by_label("Date").fill("2020-12-24")
    page.get_by_role("button", name="Enregistrer").click()
    error = page.locator("#champ-date-erreur")
    assert "n'est pas dans le mois novembre 2020" in error.inner_text()
    assert page.get_by_label("Date").get_attribute("aria-describedby").split()[-1] == "champ-date-erreur"
    assert page.get_by_label("Date").input_value() == "2020-12-24"
    assert page.evaluate("document.activeElement.id") == "erreurs"  # the error summary is read first
    assert_no_axe_violations(page, "formulaire d'événement avec une erreur")

    page.get_by_label("Date").fill("2020-11-23")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/catalogue")
    assert "Événement « ase-majorite » enregistré" in page.locator("main").inner_text()
    assert load_catalogue(catalogue_file(console_project)).event("ase-majorite").date.isoformat() == "2020-11-23"

    page.goto(console.url + "/catalogue/versions")
    assert_no_axe_violations(page, "versions du catalogue")
    page.get_by_role("link", name="Voir les différences").nth(1).click()
    page.get_by_role("table").wait_for()
    assert_no_axe_violations(page, "différences avec une version")
    page.get_by_role("link", name="Revenir à cette version").click()
    assert_no_axe_violations(page, "confirmation du retour à une version")
    # No script error nor CSP refusal (the refused save answers 422, which Chromium logs).
    assert [e for e in page.watch.errors if "status of 422" not in e] == []
