"""Kept for the staff modules' imports: the masking lives in bot/privacy/pii.py (shared with the tracker store)."""
from bot.privacy.pii import EMAIL_MASK, PHONE_MASK, contains_pii, mask, pii_spans

__all__ = ["EMAIL_MASK", "PHONE_MASK", "contains_pii", "mask", "pii_spans"]
