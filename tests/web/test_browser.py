"""The citizens' page end to end: headless Chromium, the page server, the real Rasa and action servers."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect

from bot.runtime.settings import PROJECT_ROOT
from tests.web.conftest import assert_no_axe_violations, axe_violations
from tests.web.widget import BOT, LOG, USER, active, ask, open_widget

SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot-chat.png"
COMMUNS = "Quand a lieu l'atelier sur les communs ?"
SGAR = "Quels sont les ateliers du SGAR ?"


def take_screenshot(page) -> None:  # type: ignore[no-untyped-def]
    """docs/screenshot-chat.png, shown in the README: the page with a conversation under way."""
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 960})
    page.locator(LOG).evaluate("el => { el.style.scrollBehavior = 'auto'; el.scrollTop = el.scrollHeight; }")
    page.mouse.move(0, 0)
    page.screenshot(path=str(SCREENSHOT))
    page.set_viewport_size({"width": 1280, "height": 800})


def test_page_looks_like_a_state_site_and_lists_the_programme(page, web_server) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(web_server.url)
    assert response and response.ok
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.locator("header.fr-header .fr-logo")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Mois de l'innovation publique en Pays de la Loire")
    expect(page.locator("#jour-2020-11-19")).to_have_text("jeudi 19 novembre 2020")
    expect(
        page.locator("#evenement-communs, .programme-event").filter(has_text="Tout comprendre sur les communs")
    ).to_have_count(1)
    # The DSFR's own font is loaded from the project's node_modules, not from a CDN.
    assert page.evaluate("document.fonts.check('16px Marianne')")
    assert_no_axe_violations(page, "page, assistant fermé")
    # « Ajouter à mon agenda » downloads the event as a calendar file that parses back.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda : Tout comprendre sur les communs (fichier .ics)").click()
    assert download.value.suggested_filename == "communs.ics"
    [event] = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tout comprendre sur les communs" and event["DTSTART"].to_ical() == b"20201119"
    assert page.watch.errors == []


def test_conversation_buttons_and_reload(page, web_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_server.url)
    open_widget(page)
    assert_no_axe_violations(page, "assistant ouvert")

    reply = ask(page, COMMUNS)
    expect(reply).to_contain_text("jeudi 19 novembre 2020")
    agenda = reply.get_by_role("link", name="Ajouter à mon agenda : Tout comprendre sur les communs (fichier .ics)")
    expect(agenda).to_have_attribute("href", "/evenements/communs.ics")

    reply = ask(page, SGAR)
    buttons = reply.locator("button.chat__choice")
    expect(buttons).to_have_count(4)
    take_screenshot(page)
    title = buttons.nth(1).inner_text()
    before = page.locator(BOT).count()
    buttons.nth(1).click()
    expect(page.locator(USER).last).to_have_text(f"Vous : {title}")
    expect(page.locator(BOT).nth(before)).to_be_visible()
    answer = page.locator(BOT).nth(before)
    event_title = title.rsplit(" (", 1)[0]
    expect(answer).to_contain_text(event_title[:30])
    assert_no_axe_violations(page, "après une réponse à boutons")

    page.reload()
    expect(page.locator("#chat-dialog")).to_be_visible()
    expect(page.locator(USER)).to_have_text([f"Vous : {COMMUNS}", f"Vous : {SGAR}", f"Vous : {title}"])
    expect(page.locator(LOG)).to_contain_text("jeudi 19 novembre 2020")
    expect(page.locator(BOT).filter(has=page.locator("button.chat__choice"))).to_have_count(1)
    assert page.watch.errors == [] and page.watch.dialogs == []


def test_keyboard_only(page, web_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_server.url)
    keyboard = page.keyboard
    # Tab from the top of the page to the assistant's button: every stop has a visible focus.
    for _ in range(30):
        keyboard.press("Tab")
        focused = active(page)
        assert focused["outline"], f"focus invisible sur {focused}"
        if focused["id"] == "chat-launcher":
            break
    else:
        raise AssertionError("le bouton de l'assistant n'est pas atteignable au clavier")
    keyboard.press("Enter")
    assert active(page)["id"] == "chat-input"
    expect(page.locator("#chat-launcher")).to_have_attribute("aria-expanded", "true")

    keyboard.type(COMMUNS)
    keyboard.press("Enter")
    expect(page.locator(BOT).last).to_contain_text("jeudi 19 novembre 2020")
    assert active(page)["id"] == "chat-input"

    keyboard.type(SGAR)
    keyboard.press("Enter")
    expect(page.locator(BOT).last.locator("button.chat__choice")).to_have_count(4)
    # Shift+Tab from the field goes back through the conversation to the last proposed choice.
    for _ in range(10):
        keyboard.press("Shift+Tab")
        focused = active(page)
        assert focused["inDialog"] and focused["outline"], focused
        if "chat__choice" in focused["cls"]:
            break
    else:
        raise AssertionError("aucun choix atteint au clavier")
    choice = focused["text"]
    before = page.locator(BOT).count()
    keyboard.press("Enter")
    expect(page.locator(USER).last).to_have_text(f"Vous : {choice}")
    expect(page.locator(BOT).nth(before)).to_contain_text(choice.rsplit(" (", 1)[0][:30])

    # No keyboard trap: Tab moves on from the field and leaves the assistant.
    page.focus("#chat-input")
    left = False
    for _ in range(10):
        keyboard.press("Tab")
        if not active(page)["inDialog"]:
            left = True
            break
    assert left, "piège au clavier : Tab ne sort pas de l'assistant"

    # Escape closes and gives the focus back to the button that opened it.
    page.focus("#chat-input")
    keyboard.press("Escape")
    expect(page.locator("#chat-dialog")).to_be_hidden()
    assert active(page)["id"] == "chat-launcher"
    expect(page.locator("#chat-launcher")).to_have_attribute("aria-expanded", "false")
    # Open again from the page's own button; the close button returns the focus to it.
    page.focus("main [data-chat-open]")
    keyboard.press("Enter")
    assert active(page)["id"] == "chat-input"
    page.focus("#chat-close")
    keyboard.press("Enter")
    expect(page.locator("#chat-dialog")).to_be_hidden()
    assert active(page)["text"] == "Poser une question à l'assistant"
    assert page.watch.errors == []


def test_markup_in_a_message_is_shown_as_text_and_runs_nothing(page, web_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_server.url)
    open_widget(page)
    ask(page, "<img src=x onerror=alert(1)>")
    expect(page.locator(USER).last).to_have_text("Vous : <img src=x onerror=alert(1)>")
    assert page.locator(LOG).locator("img").count() == 0
    page.wait_for_timeout(300)
    assert page.watch.dialogs == []
    assert page.watch.errors == []


def test_axe_is_really_checking(page, web_server) -> None:  # type: ignore[no-untyped-def]
    """Guard against a silent axe: remove the field's label and it must complain."""
    page.goto(web_server.url)
    open_widget(page)
    page.evaluate(
        "() => { document.querySelector('label[for=chat-input]').remove();"
        " document.getElementById('chat-input').removeAttribute('aria-describedby'); }"
    )
    assert "label" in {v["id"] for v in axe_violations(page)}
