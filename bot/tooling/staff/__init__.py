"""Staff tooling: retrain and publish safely, roll back, learn from real conversations.

Every message meant for lab staff is in French; every step that can fail says which file,
story or example is at fault and leaves the live bot untouched.
"""
