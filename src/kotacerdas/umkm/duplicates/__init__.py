"""Duplicate businesses: finding candidate pairs (``matching``: pure
functions; ``services.candidates_find`` stores them), the review queue, and
merging, undoing a merge or keeping two businesses apart."""
