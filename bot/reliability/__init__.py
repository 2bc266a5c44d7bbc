"""Keep answering through faults and hostile input, and lose nothing.

Pure helpers (input validation, rate limits, French texts) and thin adapters to Rasa: an action
call with a short timeout and an apology, a tracker store that never writes a misaligned turn and
reports its failures to the channel that is waiting for them. See docs/fiabilite.md.
"""
