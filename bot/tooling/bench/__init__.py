"""`make bench`: speed of the REST channel under concurrent conversations, this bot against the bare `rasa init` bot.

stats (percentiles, per-level figures), verdicts (the issue's bars), report (reports/bench.md/json) are
pure; dialogues, load (aiohttp load generator), servers (starting, memory, cold start) and anchor
(the cached `rasa init` bot) touch processes and the network; rest.py puts them together for `python -m bot bench`; retrain.py, cluster.py and
training.py are the other benchmarks.
"""
