"""Translations of the margin family."""

READERS = {}
WRITERS = {}
