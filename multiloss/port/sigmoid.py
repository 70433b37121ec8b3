"""Translations of the sigmoid family."""

READERS = {}
WRITERS = {}
