"""Playwright helpers for the chat widget, shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

LOG = "#chat-log"
BOT = "#chat-log .chat__msg--bot:not(.chat__msg--welcome)"
USER = "#chat-log .chat__msg--user"


def open_widget(page: Page) -> None:
    page.click("#chat-launcher")
    expect(page.locator("#chat-dialog")).to_be_visible()
    expect(page.locator("#chat-input")).to_be_focused()


def bot_messages(page: Page) -> Locator:
    return page.locator(BOT)


def wait_idle(page: Page) -> None:
    expect(page.locator("#chat-status")).to_be_empty(timeout=30_000)


def ask(page: Page, text: str) -> Locator:
    """Type text, send it with Enter, wait for the reply; the first new bot message."""
    before = bot_messages(page).count()
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    expect(bot_messages(page).nth(before)).to_be_visible(timeout=30_000)
    wait_idle(page)
    return bot_messages(page).nth(before)


def active(page: Page) -> dict:
    """The focused element: id, classes, text, whether it is inside the widget, its focus outline."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        // DSFR draws the focus ring on the element, or on its ::before for enlarged links (cards, brand).
        const ring = s => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
        return {id: el.id, tag: el.tagName.toLowerCase(), cls: el.className, text: (el.textContent || '').trim(),
                inDialog: !!el.closest('#chat-dialog'),
                outline: ring(getComputedStyle(el)) || ring(getComputedStyle(el, '::before'))};
    }""")
