"""Translations of the divergence family."""

READERS = {}
WRITERS = {}
