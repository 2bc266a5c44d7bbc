"""Who may call what: the action server's token (action_server.py), client addresses behind proxies (client_ip.py)."""
