"""Rasa input channels: REST, socket.io and the public agents' team chat.

Every channel parses its own payload and formats its own replies; all of them hand a validated
message to one admission path (`pipeline.py`): rate limits, processing slots, fault handling and
the French 429/503 answers. `inputs.py` is the one validation module.
"""
