"""Bulk import of survey spreadsheets (CSV, XLSX, XLS, ODS) into the UMKM
registry. The web upload, its background task and ``kotacerdas umkm import``
all call :func:`run_import`; the mapping screen calls :func:`inspect`.

- ``reading``: opening and streaming files, cheap content checks;
- ``headers``: header-row detection and column name → field synonyms;
- ``places``: kecamatan/kelurahan names and codes → Kemendagri code;
- ``rows``: one row → cleaned values or reasons (the registry's own rules);
- ``engine``: the pipeline, matching and the transaction;
- ``report``: the rejection report (.xlsx).
"""

from kotacerdas.umkm.importing.engine import ImportResult, Inspection, inspect, run_import
from kotacerdas.umkm.importing.headers import FIELDS, header_signature
from kotacerdas.umkm.importing.reading import ImportFileError
from kotacerdas.umkm.importing.rows import REASONS

__all__ = [
    "FIELDS",
    "REASONS",
    "ImportFileError",
    "ImportResult",
    "Inspection",
    "header_signature",
    "inspect",
    "run_import",
]
