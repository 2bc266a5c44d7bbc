"""What every page of the console can reach from its request: the project, the settings, the accounts
and the audit log (aiohttp application keys), and `audited` to record a change under the user's name."""

from __future__ import annotations

from aiohttp import web

from bot.runtime.settings import Settings
from bot.tooling.console.accounts import Account, Accounts
from bot.tooling.console.audit import AuditLog
from bot.tooling.staff.project import Project

PROJECT = web.AppKey("project", Project)
SETTINGS = web.AppKey("settings", Settings)
ACCOUNTS = web.AppKey("accounts", Accounts)
AUDIT = web.AppKey("audit", AuditLog)
USER = "console_user"  # request key: the logged-in Account


def current_user(request: web.Request) -> Account:
    return request[USER]


def audited(request: web.Request, action: str, detail: str = "") -> None:
    """Record a change made by the logged-in user (shown on /journal)."""
    request.app[AUDIT].record(current_user(request).name, action, detail)
