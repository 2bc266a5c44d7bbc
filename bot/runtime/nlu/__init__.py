"""Custom NLU pieces: pure entity clean-up and its thin Rasa graph component."""
