"""Assistant du Mois de l'innovation publique, in three layers whose imports point down only.

- `bot.tooling`: commands (staff pipeline, benchmarks, deployment, evaluation, generation);
- `bot.runtime` and `bot.web`: what runs in production (Rasa channels, admission, stores, NLU
  components, action server, the citizens' page);
- `bot.domain`: the catalogue and the answers, pure and typed, with no Rasa.

`python -m bot <commande>` is the single entry point (`python -m bot --help`).
"""
