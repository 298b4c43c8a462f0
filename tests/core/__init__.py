"""Core tests (tier 1): plain pytest, no Textual."""
