"""Internationalisation: the translator, the translators' check, consent notices."""
