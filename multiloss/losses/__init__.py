"""Loss math: one function per loss, taking ``xp`` and arrays, returning the unreduced loss.

No framework import and no per-backend branch lives here; the interfaces
(``multiloss.pytorch``, ``multiloss.keras``, ``multiloss.tf``, ...) add names,
defaults, checks and reductions on top.
"""
