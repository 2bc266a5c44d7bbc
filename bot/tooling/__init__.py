"""Commands for builders and lab staff, never imported by the runtime: `python -m bot <commande>`."""
