"""The per-agency progress workbook (.xlsx) of one reporting period.

An agency downloads its action plans as a workbook (``workbook_export``),
fills it offline and uploads it. The import is parse → validate every row →
preview of every change, row by row, field by field (``workbook_preview``) →
on confirmation, apply in one transaction through
:func:`kotacerdas.monitoring.services.report_save` (``workbook_apply``).

The modules, by what changes together:

- ``layout``: sheets, columns (defined once, in ``COLUMNS``: the export
  writes them, the importer reads them, the preview labels its changes with
  them), stamp keys, how values compare and show;
- ``export``: writing the workbook; ``access``: who may use it;
- ``reading``: the uploaded file, its stamp and cells, the problem codes;
- ``preview``: what an upload would do; ``apply``: doing it;
- ``views``/``forms``: the web pages (download, upload, preview, confirm).

Conflicts. The hidden sheet ``_kotacerdas`` stamps the period, the agency,
the export time and, per action plan, the report's ``version`` (0 when there
was no report) and ``updated_at``. A row whose values differ from the server
is a *conflict*, listed and never applied, when the report moved on the
server since the export (another version or another ``updated_at``) or can
no longer be edited (submitted or verified). The other rows still apply.

Re-importing a file that was already applied: the rows it changed now equal
the server, so they are "unchanged" and flagged "changed on the server since
the export"; nothing is written and no audit event is added. A row someone
else changed in the meantime is a conflict. To go on editing, download a new
workbook.

Sheet protection has no password on purpose: it keeps codes from being
changed by accident, it is not security. The stamp is not signed either:
every write is checked on the server (the user may write the agency's
reports, the rows belong to that agency, reports are still drafts), so an
edited stamp can only defeat the user's own conflict check.
"""

from kotacerdas.monitoring.workbook.access import workbook_agencies
from kotacerdas.monitoring.workbook.apply import workbook_apply
from kotacerdas.monitoring.workbook.export import workbook_export
from kotacerdas.monitoring.workbook.layout import (
    BY_FIELD,
    CODE,
    COLUMNS,
    CONTENT_TYPE,
    EDITABLE,
    FORMAT,
    FORMAT_VERSION,
    MAX_ROWS,
    SHEET_DATA,
    SHEET_GUIDE,
    SHEET_STAMP,
    Column,
    workbook_filename,
)
from kotacerdas.monitoring.workbook.preview import (
    Change,
    Preview,
    PreviewOutdated,
    PreviewRow,
    workbook_preview,
)
from kotacerdas.monitoring.workbook.reading import WorkbookRefused, workbook_read

__all__ = [
    "BY_FIELD",
    "CODE",
    "COLUMNS",
    "CONTENT_TYPE",
    "EDITABLE",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_ROWS",
    "SHEET_DATA",
    "SHEET_GUIDE",
    "SHEET_STAMP",
    "Change",
    "Column",
    "Preview",
    "PreviewOutdated",
    "PreviewRow",
    "WorkbookRefused",
    "workbook_agencies",
    "workbook_apply",
    "workbook_export",
    "workbook_filename",
    "workbook_preview",
    "workbook_read",
]
