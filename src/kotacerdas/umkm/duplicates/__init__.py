"""Duplicate businesses: finding candidate pairs (``matching``: pure
functions; ``services.find_candidates`` stores them), the review queue, and
merging, undoing a merge or keeping two businesses apart."""
