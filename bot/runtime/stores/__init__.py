"""Where conversations live: the guarded SQL tracker store, the lock store chosen by the settings, retention."""
