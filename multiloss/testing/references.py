"""Reference transcriptions, in the original's framework, for originals that can't be run here.

Each function is written from the original's published formula (its paper or
its source's docstring), independently of multiloss's own code, and is used by
the catalog as ``fallback`` (when the original's package can't be imported) or
as the original of a loss that only multiloss has.
"""
