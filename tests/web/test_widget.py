"""The widget in a real browser against a scripted Rasa: text-only rendering, safe links,
the unavailable state, small screens and 200 % zoom."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.conftest import assert_no_axe_violations
from tests.web.widget import BOT, LOG, USER, ask, open_widget


def test_bot_html_and_hostile_links_render_as_text(page, web_fake) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_fake.url)
    open_widget(page)
    reply = ask(page, "bonjour")
    log = page.locator(LOG)
    expect(log).to_contain_text('Réponse piégée : <img src=x onerror="window.__pwned=1"> et <b>gras</b>')
    assert log.locator("img, b, i, script, iframe").count() == 0
    links = log.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == "https://www.loire-atlantique.gouv.fr/innovation"
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    expect(reply.locator("ul.chat__list > li")).to_have_count(3)
    expect(reply).to_contain_text("lien piégé")
    expect(reply).to_contain_text("Données")
    buttons = reply.locator("button.chat__choice")
    expect(buttons).to_have_text(["<i>Choix</i> A", "Choix B"])
    assert page.locator(BOT).count() == 2  # the javascript: image was dropped by the server; "Fin." remains

    buttons.nth(1).click()
    expect(page.locator(USER).last).to_have_text("Vous : Choix B")
    expect(page.locator(BOT).last).to_contain_text("Vous avez choisi b.")
    assert page.evaluate("window.__pwned") is None
    assert page.watch.dialogs == [] and page.watch.errors == []

    page.reload()  # the conversation comes back from the tracker, the button shown by its title
    expect(page.locator("#chat-dialog")).to_be_visible()
    expect(page.locator(USER)).to_have_text(["Vous : bonjour", "Vous : Choix B"])
    expect(page.locator(LOG)).to_contain_text("Vous avez choisi b.")
    assert page.locator(LOG).locator("img, b, i").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_unreachable_assistant_says_so_and_offers_a_retry(page, web_down) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_down.url)
    open_widget(page)
    alert = page.locator("#chat-alert")
    expect(alert).to_contain_text("Assistant momentanément indisponible")
    expect(alert.get_by_role("button", name="Réessayer")).to_be_visible()
    assert_no_axe_violations(page, "assistant indisponible")

    page.fill("#chat-input", "Quand a lieu l'atelier sur les communs ?")
    page.press("#chat-input", "Enter")
    expect(page.locator(USER).last).to_contain_text("Non transmis")
    expect(alert).to_contain_text("Votre message n'a pas pu être transmis")
    alert.get_by_role("button", name="Réessayer").click()
    expect(alert.get_by_role("button", name="Réessayer")).to_be_visible()  # still down: still said
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER).last).to_contain_text("Non transmis")
    assert_no_axe_violations(page, "message non transmis")


def _fits(page, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "défilement horizontal de la page"
    expect(page.locator("#chat-dialog")).to_be_visible()  # reopened after the reload
    box = page.locator("#chat-dialog").bounding_box()
    assert (
        box
        and box["x"] >= 0
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] >= 0
        and box["y"] + box["height"] <= height + 0.5
    )
    for selector in ("#chat-input", "#chat-send", "#chat-close"):
        element = page.locator(selector)
        expect(element).to_be_in_viewport()
        b = element.bounding_box()
        assert b and b["x"] + b["width"] <= width + 0.5, selector
    log = page.locator(LOG)
    assert log.evaluate("el => el.scrollWidth <= el.clientWidth"), "défilement horizontal de la conversation"


def test_small_screen_and_200_percent_zoom(page, web_fake) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(web_fake.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    open_widget(page)
    ask(page, "Une question un peu longue pour voir comment le texte se replie sur un écran étroit de téléphone")
    _fits(page, 360, 640)
    assert_no_axe_violations(page, "360 px")
    # 200 % zoom of a 1280 x 800 window: 640 x 400 CSS pixels.
    _fits(page, 640, 400)
    page.press("#chat-input", "Escape")
    expect(page.locator("#chat-dialog")).to_be_hidden()
    expect(page.locator("#chat-launcher")).to_be_focused()
    assert page.watch.errors == []


def test_a_message_sent_while_the_history_loads_is_neither_lost_nor_duplicated(page, web_fake) -> None:  # type: ignore[no-untyped-def]
    page.goto(web_fake.url)
    open_widget(page)
    ask(page, "bonjour")
    held = []
    page.route("**/api/history*", lambda route: held.append(route))
    page.reload()
    expect(page.locator("#chat-dialog")).to_be_visible()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "l'historique n'a pas été demandé"
    page.fill("#chat-input", "encore")
    page.press("#chat-input", "Enter")
    held[0].continue_()
    expect(page.locator(USER)).to_have_text(["Vous : bonjour", "Vous : encore"])
    expect(page.locator(BOT)).to_have_count(4)  # two scripted replies of two messages each
    assert page.watch.errors == []
