"""What runs inside the production processes: settings, channels and their admission path, stores,
NLU components, the action server and its guarded calls, the launcher of `python -m bot run`."""
