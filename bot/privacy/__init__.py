"""Personal data protection (RGPD): masking before storage, retention of conversations, signed models."""
