"""The page server without a browser: page, headers, static files, and the proxy against a fake Rasa."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from bot.domain.dates import format_day
from bot.web.app import PROGRAMME, SetupError, create_app
from bot.web.config import WebSettings

ORIGIN = "http://localhost:8080"
SENDER = "0123456789abcdef0123"
TOKEN = "jeton-de-test"


class FakeRasa:
    """Rasa's REST webhook, tracker API and root, scripted per test; records what it receives."""

    def __init__(self) -> None:
        self.reply: Any = [{"recipient_id": SENDER, "text": "Bonjour"}]
        self.status = 200
        self.received: list[dict] = []
        self.tracker_queries: list[dict] = []
        self.events: list[dict] = []

    def app(self) -> web.Application:
        async def root(request: web.Request) -> web.Response:
            return web.Response(text="Hello from Rasa: 3.6.21", status=self.status)

        async def webhook(request: web.Request) -> web.Response:
            self.received.append(await request.json())
            return web.json_response(self.reply, status=self.status)

        async def tracker(request: web.Request) -> web.Response:
            # The page signs a short-lived JWT for this conversation only (role user), never the admin token.
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            try:
                claims = jwt.decode(token, TOKEN, algorithms=["HS256"]) if scheme == "Bearer" else {}
            except jwt.InvalidTokenError:
                claims = {}
            self.tracker_queries.append(
                {"sender": request.match_info["sender"], **request.query, **claims.get("user", {})}
            )
            if not claims or "token" in request.query:
                return web.json_response({"message": "unauthorized"}, status=401)
            return web.json_response({"sender_id": request.match_info["sender"], "events": self.events})

        app = web.Application()
        app.router.add_get("/", root)
        app.router.add_post("/webhooks/rest/webhook", webhook)
        app.router.add_get("/conversations/{sender}/tracker", tracker)
        return app


def settings(**overrides: Any) -> WebSettings:
    base = WebSettings(rasa_url="http://127.0.0.1:9", token_provider=lambda: TOKEN, rasa_timeout=5)
    return replace(base, **overrides)


def run_with_client(
    test: Callable[[TestClient, FakeRasa], Awaitable[None]], rasa_up: bool = True, **overrides: Any
) -> FakeRasa:
    """Start a fake Rasa (or none: port 9 refuses) and the page app, run test(client, fake)."""
    fake = FakeRasa()

    async def main() -> None:
        rasa_server = TestServer(fake.app())
        await rasa_server.start_server()
        try:
            url = str(rasa_server.make_url("")).rstrip("/") if rasa_up else "http://127.0.0.1:9"
            app = create_app(settings(rasa_url=url, **overrides))
            async with TestClient(TestServer(app)) as client:
                await test(client, fake)
        finally:
            await rasa_server.close()

    asyncio.run(main())
    return fake


def post_chat(client: TestClient, body: Any, origin: str | None = ORIGIN, **kwargs: Any):  # type: ignore[no-untyped-def]
    headers = {"Origin": origin} if origin else {}
    return client.post("/api/chat", json=body, headers=headers, **kwargs)


# --- page ----------------------------------------------------------------------------------------


def test_page_renders_the_whole_programme_from_the_catalogue_with_a_strict_csp() -> None:
    catalogue = load_catalogue()

    async def test(client: TestClient, fake: FakeRasa) -> None:
        response = await client.get("/")
        assert response.status == 200
        html = await response.text()
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert '<html lang="fr"' in html
        assert "<script>" not in html and "style=" not in html  # nothing inline for the CSP to allow
        assert 'role="log"' in html and 'role="dialog"' in html
        for event in catalogue.events:
            assert re.sub(r"\s+", " ", event.title).replace("'", "&#39;") in html
        for day in catalogue.dates:
            assert format_day(day) in html
        titles = [m.group(1) for m in re.finditer(r'<h4 class="fr-card__title">(.*?)</h4>', html)]
        assert len(titles) == len(catalogue.events)

    run_with_client(test)


def test_every_event_and_the_whole_programme_can_be_added_to_a_calendar() -> None:
    catalogue = load_catalogue()

    async def test(client: TestClient, fake: FakeRasa) -> None:
        html = await (await client.get("/")).text()
        assert 'href="/programme.ics" download' in html
        for event in catalogue.events:
            assert f'href="/evenements/{event.id}.ics" download>Ajouter à mon agenda' in html
        response = await client.get("/programme.ics")
        assert response.status == 200 and response.content_type == "text/calendar" and response.charset == "utf-8"
        assert response.headers["Content-Disposition"] == 'attachment; filename="mois-innovation-publique.ics"'
        programme = Calendar.from_ical(await response.read())
        assert [str(e["UID"]).split("@")[0] for e in programme.walk("VEVENT")] == [
            e.id for e in catalogue.events_sorted()
        ]
        response = await client.get("/evenements/communs.ics")
        assert response.status == 200 and response.content_type == "text/calendar"
        [event] = Calendar.from_ical(await response.read()).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Tout comprendre sur les communs"
        assert event.decoded("DTSTART") == catalogue.event("communs").date
        unknown = await client.get("/evenements/hackathon-imaginaire.ics")
        assert unknown.status == 404 and "Événement inconnu" in await unknown.text()

    run_with_client(test)


def test_a_catalogue_edit_shows_on_the_next_request_and_an_invalid_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yml"
    shutil.copy(DEFAULT_CATALOGUE_PATH, path)
    original = path.read_text(encoding="utf-8")
    assert 'title: "Tout comprendre sur les communs"' in original

    def write(text: str) -> None:
        stamp = path.stat().st_mtime_ns + 1_000_000_000
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(stamp, stamp))

    async def test(client: TestClient, fake: FakeRasa) -> None:
        assert "Tout comprendre sur les communs" in await (await client.get("/")).text()
        write(
            original.replace(
                'title: "Tout comprendre sur les communs"', 'title: "Les communs <script>alert(1)</script> expliqués"'
            )
        )
        html = await (await client.get("/")).text()
        assert "Les communs &lt;script&gt;alert(1)&lt;/script&gt; expliqués" in html
        assert "<script>alert(1)" not in html
        write(
            original.replace("organisers: [sgar]", "organisers: [inconnu]", 1)
        )  # invalid: the page keeps the last good one
        response = await client.get("/")
        assert response.status == 200
        assert "Les communs &lt;script&gt;" in await response.text()
        assert "inconnu" in client.server.app[PROGRAMME].last_error
        write(original.replace("date: 2020-11-19", "date: 2020-13-45", 1))  # the YAML parser itself fails
        response = await client.get("/")
        assert response.status == 200 and "Tout comprendre sur les communs" not in await response.text()
        write(original)
        assert "Tout comprendre sur les communs" in await (await client.get("/")).text()

    run_with_client(test, catalogue_path=path)


def test_static_files_are_served_with_security_headers() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        for path in (
            "/static/chat/chat.js",
            "/static/chat/chat.css",
            "/static/dsfr/dsfr.min.css",
            "/static/dsfr/fonts/Marianne-Regular.woff2",
        ):
            response = await client.get(path)
            assert response.status == 200, path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert (await client.get("/static/chat/../app.py")).status in (403, 404)
        assert (await client.get("/healthz")).status == 200

    run_with_client(test)


def test_the_page_refuses_to_start_without_the_design_system(tmp_path: Path) -> None:
    with pytest.raises(SetupError, match="make web-assets"):
        create_app(settings(dsfr_dir=tmp_path))


# --- proxy ---------------------------------------------------------------------------------------


def test_chat_forwards_to_rasa_and_keeps_only_what_the_widget_renders() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        fake.reply = [
            {
                "recipient_id": SENDER,
                "text": "Lequel ?",
                "buttons": [
                    {"title": "Atelier A", "payload": '/inform{"event":"a"}'},
                    {"title": "", "payload": "/vide"},
                    "pas un bouton",
                ],
            },
            {"recipient_id": SENDER, "image": "javascript:alert(1)"},
            {"recipient_id": SENDER, "image": "https://www.example.gouv.fr/a.png"},
            {"recipient_id": SENDER, "custom": {"html": "<b>x</b>"}},
            "pas un message",
        ]
        response = await post_chat(client, {"sender": SENDER, "message": "  Bonjour\u0000 !  "})
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert await response.json() == {
            "messages": [
                {"text": "Lequel ?", "buttons": [{"title": "Atelier A", "payload": '/inform{"event":"a"}'}]},
                {"image": "https://www.example.gouv.fr/a.png"},
            ]
        }
        assert fake.received == [{"sender": SENDER, "message": "Bonjour !"}]

    run_with_client(test)


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null", "http://localhost:8081"])
def test_chat_refuses_other_origins(origin: str | None) -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        response = await post_chat(client, {"sender": SENDER, "message": "Bonjour"}, origin=origin)
        assert response.status == 403
        assert (await response.json())["error"] == "origine_refusee"
        assert fake.received == []

    run_with_client(test)


def test_allowed_origins_are_configurable() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        assert (
            await post_chat(
                client, {"sender": SENDER, "message": "Bonjour"}, origin="https://www.loire-atlantique.gouv.fr"
            )
        ).status == 200
        assert (await post_chat(client, {"sender": SENDER, "message": "Bonjour"}, origin=ORIGIN)).status == 403

    run_with_client(test, allowed_origins=("https://www.loire-atlantique.gouv.fr",))


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"sender": "court", "message": "Bonjour"}, 400, "identifiant_invalide"),
        ({"sender": SENDER + "/../x", "message": "Bonjour"}, 400, "identifiant_invalide"),
        ({"sender": SENDER}, 400, "message_manquant"),
        ({"sender": SENDER, "message": 12}, 400, "message_manquant"),
        ({"sender": SENDER, "message": "   \u200b "}, 400, "message_vide"),
        ({"sender": SENDER, "message": "x" * 501}, 413, "message_trop_long"),
        (["pas", "un", "objet"], 400, "corps_invalide"),
        ({"sender": SENDER, "message": "y" * 20_000}, 413, "requete_trop_grande"),
    ],
)
def test_chat_validates_its_input_with_clear_errors(body: Any, status: int, code: str) -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        response = await post_chat(client, body)
        assert response.status == status
        data = await response.json()
        assert data["error"] == code and data["detail"]
        assert fake.received == []

    run_with_client(test)


def test_chat_refuses_what_is_not_json() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        response = await client.post(
            "/api/chat",
            data="message=Bonjour",
            headers={"Origin": ORIGIN, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 415
        response = await client.post(
            "/api/chat", data="{pas du json", headers={"Origin": ORIGIN, "Content-Type": "application/json"}
        )
        assert response.status == 400 and (await response.json())["error"] == "json_invalide"
        response = await client.get("/api/chat", headers={"Origin": ORIGIN})
        assert response.status == 405

    run_with_client(test)


def test_an_unreachable_rasa_is_a_clear_503() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        response = await post_chat(client, {"sender": SENDER, "message": "Bonjour"})
        assert response.status == 503
        assert await response.json() == {
            "error": "indisponible",
            "detail": "Assistant momentanément indisponible. Réessayez dans quelques instants.",
        }
        response = await client.get("/api/status")
        assert response.status == 503 and await response.json() == {"available": False}
        response = await client.get(f"/api/history?sender={SENDER}")
        assert response.status == 503

    run_with_client(test, rasa_up=False)


def test_a_failing_rasa_is_a_clear_503() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        fake.status = 500
        response = await post_chat(client, {"sender": SENDER, "message": "Bonjour"})
        assert response.status == 503 and (await response.json())["error"] == "indisponible"
        fake.status = 200
        assert (await client.get("/api/status")).status == 200

    run_with_client(test)


def test_history_reads_the_tracker_with_a_conversation_jwt_and_shows_button_titles() -> None:
    async def test(client: TestClient, fake: FakeRasa) -> None:
        fake.events = [
            {"event": "action", "name": "action_session_start"},
            {"event": "user", "text": "Oublie"},
            {"event": "restart"},
            {"event": "user", "text": "Les ateliers du SGAR ?"},
            {
                "event": "bot",
                "text": "Lequel ?",
                "data": {"buttons": [{"title": "Atelier A (jeudi 19 novembre)", "payload": '/inform{"event":"a"}'}]},
            },
            {"event": "user", "text": '/inform{"event":"a"}'},
            {"event": "bot", "text": "Jeudi 19 novembre 2020.", "data": {}},
            {"event": "slot", "name": "event", "value": "a"},
        ]
        response = await client.get(f"/api/history?sender={SENDER}")
        assert response.status == 200
        assert await response.json() == {
            "messages": [
                {"from": "user", "text": "Les ateliers du SGAR ?"},
                {
                    "from": "bot",
                    "text": "Lequel ?",
                    "buttons": [{"title": "Atelier A (jeudi 19 novembre)", "payload": '/inform{"event":"a"}'}],
                },
                {"from": "user", "text": "Atelier A (jeudi 19 novembre)"},
                {"from": "bot", "text": "Jeudi 19 novembre 2020."},
            ]
        }
        assert fake.tracker_queries == [
            {
                "sender": f"rest:{SENDER}",
                "include_events": "AFTER_RESTART",
                "username": f"rest:{SENDER}",
                "role": "user",
            }
        ]
        assert (await client.get("/api/history?sender=x")).status == 400
        cross_site = await client.get(f"/api/history?sender={SENDER}", headers={"Sec-Fetch-Site": "cross-site"})
        assert cross_site.status == 403

    run_with_client(test)
