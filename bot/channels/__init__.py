"""Team-chat channels for public agents (Mattermost, Osmose-style platforms).

Pure helpers live here (payloads, tokens, markdown, choices, replies, options): they know
nothing of Rasa or Sanic and are unit-tested on their own. `agents.py` is the thin Rasa
InputChannel that wires them to the Rasa server.
"""
