"""Spreadsheets in and out, for every app (DESIGN.md: shared machinery lives
in ``core``).

- ``cells``: one cell as the value a column needs (text, year, Rupiah, a
  choice, a list of names), with ``normalise`` and ``Choices``;
- ``problems``: what an importer reports: ``Problem`` (sheet, row, column,
  code, Indonesian message, English gloss), ``Problems`` built from each
  app's vocabulary of codes, and the errors about a whole file;
- ``reading``: opening CSV/XLSX/XLS/ODS from a path or an upload, with the
  content, zip-bomb and row-limit checks done once;
- ``writing``: ``put_cell``, CSV and XLSX tables with the formula-injection
  guard.

Numbers typed by people (Rupiah, counts, percentages) are read by
:mod:`kotacerdas.core.numbers`, which forms use too.
"""
