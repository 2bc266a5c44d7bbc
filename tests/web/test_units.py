"""Settings, validation and normalisation of the page server: pure functions."""

from __future__ import annotations

import pytest

from bot.runtime.channels.inputs import InvalidRequest, clean_text, validate_chat
from bot.web.config import default_origins, load_web_settings, parse_origins
from bot.web.messages import bot_messages, history, safe_url


def test_settings_defaults_match_make_run() -> None:
    s = load_web_settings({})
    assert (s.host, s.port, s.rasa_url) == ("127.0.0.1", 8080, "http://127.0.0.1:5005")
    assert s.origins == ("http://localhost:8080", "http://127.0.0.1:8080")


def test_settings_from_the_environment() -> None:
    s = load_web_settings(
        {
            "WEB_HOST": "0.0.0.0",
            "WEB_PORT": "8443",
            "RASA_URL": "http://rasa:5005/",
            "WEB_ALLOWED_ORIGINS": "https://www.loire-atlantique.gouv.fr, HTTPS://Pref.Gouv.Fr:8443/",
        }
    )
    assert (s.host, s.port, s.rasa_url) == ("0.0.0.0", 8443, "http://rasa:5005")
    assert s.origins == ("https://www.loire-atlantique.gouv.fr", "https://pref.gouv.fr:8443")
    assert default_origins("192.0.2.7", 80) == ("http://localhost:80", "http://127.0.0.1:80", "http://192.0.2.7:80")


@pytest.mark.parametrize(
    "env",
    [
        {"WEB_PORT": "http"},
        {"WEB_PORT": "70000"},
        {"RASA_URL": "ftp://x"},
        {"RASA_URL": "localhost:5005"},
        {"WEB_ALLOWED_ORIGINS": "https://a.gouv.fr/chemin"},
        {"WEB_ALLOWED_ORIGINS": "javascript:alert(1)"},
        {"WEB_ALLOWED_ORIGINS": "*"},
        {"WEB_RASA_TIMEOUT": "longtemps"},
    ],
)
def test_bad_settings_are_refused_in_french(env: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(env))):
        load_web_settings(env)


def test_parse_origins_ignores_blanks() -> None:
    assert parse_origins(" , ") == ()


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.example.gouv.fr/a?b=c", True),
        ("http://localhost:8080/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,x", False),
        ("//evil.example/x", False),
        ("https:/x", False),
        ("http://a b", False),
        ("vbscript:x", False),
    ],
)
def test_safe_url_allows_only_absolute_http_links(url: str, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_clean_text_drops_control_and_invisible_characters() -> None:
    assert clean_text("a\u0000b\u200bc\r\nd\u202ee\tf") == "abc\nde\tf"


def test_validate_chat_bounds_the_message() -> None:
    request = validate_chat({"sender": "a" * 16, "message": " ok "}, max_chars=10)
    assert request.message == "ok"
    with pytest.raises(InvalidRequest) as exc:
        validate_chat({"sender": "a" * 16, "message": "x" * 11}, max_chars=10)
    assert exc.value.status == 413 and "10 caractères" in exc.value.detail
    with pytest.raises(InvalidRequest):
        validate_chat({"sender": "a" * 65, "message": "ok"}, max_chars=10)


def test_bot_messages_bound_buttons_and_text() -> None:
    raw = [{"text": "t" * 10_000, "buttons": [{"title": f"b{i}", "payload": f"/p{i}"} for i in range(50)]}]
    [message] = bot_messages(raw)
    assert len(message["text"]) == 5000 and len(message["buttons"]) == 20
    assert bot_messages({"text": "pas une liste"}) == []
    assert bot_messages([{"text": "   "}, {"buttons": []}]) == []


QUOTE = {"text": "Etat'LIN est le laboratoire d'innovation publique de l'État.", "section": "3 questions à…"}
QUOTED_TEXT = f"Voici ce qu'en dit le dossier de presse (« 3 questions à… ») :\n« {QUOTE['text']} »"


def test_a_press_kit_quotation_reaches_the_page_with_its_text() -> None:
    # Rasa's REST channel sends the text, then the quotation alone; the page gets one message.
    raw = [{"recipient_id": "s", "text": QUOTED_TEXT}, {"recipient_id": "s", "custom": {"quote": QUOTE}}]
    assert bot_messages(raw) == [{"text": QUOTED_TEXT, "quote": QUOTE}]
    assert bot_messages([{"custom": {"quote": {"text": 3, "section": "x"}}}, {"custom": {"autre": 1}}]) == []


def test_an_answer_about_one_event_reaches_the_page_with_its_calendar_link() -> None:
    calendar = {"event": "communs", "title": "Tout comprendre sur les communs"}
    raw = [
        {"recipient_id": "s", "text": "jeudi 19 novembre 2020"},
        {"recipient_id": "s", "custom": {"calendar": calendar}},
    ]
    link = {"href": "/evenements/communs.ics", "title": "Tout comprendre sur les communs"}
    assert bot_messages(raw) == [{"text": "jeudi 19 novembre 2020", "calendar": link}]
    tracker = {
        "events": [{"event": "bot", "text": "jeudi 19 novembre 2020", "data": {"custom": {"calendar": calendar}}}]
    }
    assert history(tracker) == [{"from": "bot", "text": "jeudi 19 novembre 2020", "calendar": link}]
    # An identifier that is not the catalogue's kind never becomes a path on the page.
    for event in ("../api/status", "Communs", "communs.ics?x=1", 3):
        assert bot_messages([{"text": "t", "custom": {"calendar": {"event": event, "title": "t"}}}]) == [{"text": "t"}]


def test_a_quotation_comes_back_with_the_conversation() -> None:
    tracker = {"events": [{"event": "bot", "text": QUOTED_TEXT, "data": {"custom": {"quote": QUOTE}}}]}
    assert history(tracker) == [{"from": "bot", "text": QUOTED_TEXT, "quote": QUOTE}]


def test_make_run_points_the_page_at_its_rasa_server_without_the_admin_token() -> None:
    from bot.runtime.launcher import web_environment
    from bot.runtime.settings import load_settings

    settings = load_settings({"RASA_HOST": "0.0.0.0", "RASA_PORT": "5006"})
    env = web_environment(settings, {"WEB_PORT": "9000"}, "secret")
    assert env == {"WEB_PORT": "9000", "RASA_URL": "http://127.0.0.1:5006"}
    assert (
        web_environment(settings, {"RASA_URL": "http://rasa.interne:5005"}, "s")["RASA_URL"]
        == "http://rasa.interne:5005"
    )
