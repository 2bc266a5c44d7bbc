"""`python -m bot import-events FICHIER`: build or update a catalogue from an iCalendar file or an OpenAgenda export.

sources (what a file says) → records (one neutral event per source event, times in the edition's zone)
→ matching (events, organisers and topics of the base catalogue) → writing (YAML, validated before it
replaces anything) → report (French, printed and, on request, in Markdown). `command` ties them together.
"""
