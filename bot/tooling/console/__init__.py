"""The staff console: keep the bot current from a browser (`python -m bot console`, port 8081 by default).

It is a thin web face over the staff tooling (bot/tooling/staff): every change goes through the same
functions as the terminal commands. Each page family is one module that exposes `routes`
(an aiohttp RouteTableDef); app.py puts them together behind the log-in, CSRF and role checks of
security.py. Accounts and the audit log live in the project database (database.py).
"""
