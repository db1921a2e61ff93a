"""Texts: every string in both languages, numbers in the reader's style, the identifier guard."""
