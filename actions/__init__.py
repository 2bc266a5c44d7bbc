"""Custom actions (rasa-sdk): thin adapters between Rasa trackers and bot/."""
