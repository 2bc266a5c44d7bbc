"""Team-chat channel for public agents (Mattermost, Osmose-style platforms).

Pure helpers (payloads, tokens, markdown, choices, replies, options) know nothing of Rasa or
Sanic; `channel.py` is the thin Rasa InputChannel that wires them to the admission path.
"""
