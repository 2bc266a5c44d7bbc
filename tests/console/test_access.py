"""Who may do what in the staff console: log-in, sessions, CSRF, lock-out, roles, audit log.

Against the real console server (`python -m bot console`) running in a copy of the project.
"""

from __future__ import annotations

import re

import pytest
import requests

from bot.tooling.console import app as console_app
from tests.console.conftest import (
    EDITOR,
    PUBLISHER,
    StaffClient,
    add_account,
    assert_no_axe_violations,
    log_in_browser,
    staff_client,
    start_console,
)

PUBLISH_ROUTES = ("/entrainement/publier", "/entrainement/revenir")


def console_routes(method: str) -> list[str]:
    """Every route of the console's page families, path parameters filled with a plausible value."""
    paths = []
    for family in console_app.PAGE_FAMILIES:
        for route in family.routes:
            if route.method == method and route.path not in ("/connexion",):
                paths.append(re.sub(r"\{[^}]+\}", "exemple", route.path))
    return sorted(set(paths))


def test_every_page_without_a_session_leads_to_the_login_page(console):
    pages = console_routes("GET")
    assert "/" in pages and "/journal" in pages
    for path in pages:
        response = requests.get(console.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/connexion?suite="), path


def test_every_change_without_a_session_is_refused_with_401(console):
    for path in console_routes("POST"):
        response = requests.post(console.url + path, data={"x": "1"}, allow_redirects=False, timeout=10)
        assert response.status_code == 401, path
        assert "connectez-vous" in response.text


def test_a_form_without_its_csrf_token_is_refused_even_when_logged_in(console, publisher: StaffClient):
    for path in console_routes("POST"):
        response = publisher.http.post(console.url + path, data={"x": "1"}, allow_redirects=False, timeout=30)
        assert response.status_code == 403, path
        assert "Formulaire expiré" in response.text
    forged = publisher.http.post(
        console.url + "/deconnexion", data={"csrf": "jeton-d-un-autre-site"}, allow_redirects=False, timeout=10
    )
    assert forged.status_code == 403
    assert publisher.get("/journal").status_code == 200  # still logged in


def test_the_session_cookie_is_http_only_and_strict(console):
    client = StaffClient(console.url, requests.Session())
    client.get("/connexion")
    response = client.post(
        "/connexion", {"identifiant": EDITOR[0], "mot_de_passe": EDITOR[1], "suite": "/"}, allow_redirects=False
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would never come back


def test_behind_https_the_session_cookie_is_secure(console_project, tmp_path):
    server = start_console(console_project, tmp_path, CONSOLE_HTTPS="oui")
    try:
        client = StaffClient(server.url, requests.Session())
        client.get("/connexion")
        response = client.post(
            "/connexion", {"identifiant": EDITOR[0], "mot_de_passe": EDITOR[1], "suite": "/"}, allow_redirects=False
        )
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        server.stop()


def test_a_wrong_password_is_refused_without_saying_whether_the_name_exists(console):
    client = StaffClient(console.url, requests.Session())
    wrong_password = client.log_in(EDITOR[0], "pas le bon mot de passe")
    unknown_name = client.log_in("personne.inconnue", "pas le bon mot de passe")
    for response in (wrong_password, unknown_name):
        assert response.status_code == 401
        assert "Identifiant ou mot de passe incorrect." in response.text
    assert client.get("/journal", allow_redirects=False).status_code == 302


def test_ten_wrong_passwords_lock_the_account(console, console_project):
    add_account(console_project, "lea.distraite", "le mot de passe de Léa", "éditeur")
    client = StaffClient(console.url, requests.Session())
    answers = [client.log_in("lea.distraite", f"essai numéro {n}") for n in range(10)]
    assert all(a.status_code == 401 for a in answers)
    assert "verrouillé" in answers[-1].text
    # Even the right password is refused while the account is locked.
    locked = client.log_in("lea.distraite", "le mot de passe de Léa")
    assert locked.status_code == 401 and "verrouillé" in locked.text
    # A new password (set by an administrator) unlocks it.
    add_account(console_project, "lea.distraite", "un nouveau mot de passe", "éditeur")
    assert client.log_in("lea.distraite", "un nouveau mot de passe").status_code == 200


def test_log_out_ends_the_session_even_for_a_copied_cookie(console):
    client = staff_client(console, EDITOR)
    stolen = dict(client.http.cookies)
    assert client.post("/deconnexion", allow_redirects=False).status_code == 303
    thief = requests.Session()
    thief.cookies.update(stolen)
    assert thief.get(console.url + "/journal", allow_redirects=False, timeout=10).status_code == 302


@pytest.mark.parametrize("target", ["https://exemple.org/piege", "//exemple.org/piege", "javascript:alert(1)"])
def test_after_log_in_the_console_never_sends_the_user_elsewhere(console, target):
    client = StaffClient(console.url, requests.Session())
    client.get("/connexion")
    response = client.post(
        "/connexion",
        {"identifiant": PUBLISHER[0], "mot_de_passe": PUBLISHER[1], "suite": target},
        allow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_editor_cannot_publish_nor_roll_back(console, editor: StaffClient):
    for path in PUBLISH_ROUTES:
        response = editor.post(path, allow_redirects=False)
        assert response.status_code == 403, path
        assert "publieur" in response.text


def test_log_ins_and_refusals_are_in_the_audit_log(console, publisher: StaffClient):
    journal = publisher.get("/journal?action=connexion").text
    assert PUBLISHER[0] in journal
    assert "connexion refusée" in publisher.get("/journal?action=connexion+refus%C3%A9e").text


def test_an_unknown_page_gets_a_french_error_page(console, editor: StaffClient):
    response = editor.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_the_login_page_the_journal_and_the_error_page_pass_axe(console, page):
    page.goto(console.url + "/connexion")
    assert_no_axe_violations(page, "connexion")
    page.get_by_label("Identifiant", exact=True).fill(EDITOR[0])
    page.get_by_label("Mot de passe", exact=True).fill("faux mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for()
    assert_no_axe_violations(page, "connexion refusée")
    log_in_browser(page, console, EDITOR)
    page.goto(console.url + "/journal")
    assert_no_axe_violations(page, "journal")
    page.goto(console.url + "/nulle-part")
    page.get_by_role("heading", name="Page introuvable").wait_for()
    assert_no_axe_violations(page, "page introuvable")
    # The only errors the browser reports: the deliberate wrong password (401) and unknown page (404).
    assert [e for e in page.watch.errors if "status of 401" not in e and "status of 404" not in e] == []
