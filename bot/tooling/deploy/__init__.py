"""Production topology on one machine: the cluster launcher (`python -m bot cluster`) and the Debian programs it
runs. The lock store it relies on is bot/runtime/stores/lock_store.py; its benchmark, bot/tooling/bench/cluster.py.
See deploy/README.md."""
