"""Translations of the softmax family."""

READERS = {}
WRITERS = {}
