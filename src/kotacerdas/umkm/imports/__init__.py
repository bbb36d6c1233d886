"""Bulk import of survey spreadsheets (CSV, XLSX, XLS, ODS) into the UMKM
registry. The web upload, its background task and ``kotacerdas umkm import``
all call :func:`.engine.run_import`; the mapping screen calls
:func:`.engine.inspect`.

The usual files: ``models`` (ImportJob, ColumnMapping), ``services`` (the
life of an import job), ``selectors``, ``forms``, ``views``, ``urls``; and
``progress``: the progress file the worker writes and the pages read.

The engine:

- ``reading``: opening and streaming files, cheap content checks;
- ``headers``: header-row detection and column name → field synonyms;
- ``places``: kecamatan/kelurahan names and codes → Kemendagri code;
- ``rows``: one row → cleaned values or reasons (the registry's own rules);
- ``pipeline``: reading, cleaning and matching rows, in a second process for large files;
- ``engine``: the pipeline, matching and the transaction;
- ``report``: the rejection report (.xlsx).
"""
