"""Production topology: the cluster launcher (`python -m bot.tooling.deploy cluster`), the lock store chosen by the
environment and the cluster benchmark. See deploy/README.md."""
