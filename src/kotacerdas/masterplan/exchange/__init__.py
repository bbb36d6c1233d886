"""A region's whole masterplan in and out of one .xlsx workbook.

- ``workbook``: the template (sheets, columns, accepted values), defined once;
- ``export``: writing it (openpyxl);
- ``importer``: reading it (with the shared reader and cell readers of
  :mod:`kotacerdas.core.sheets`) → ``validate`` → ``apply``, with ``results``
  describing what happened;
- ``views``/``forms``/``staging``/``urls``: the web upload, preview and confirm.

The ``masterplan`` management command and the web views call the same
``masterplan_import`` and ``masterplan_export``. See docs/masterplan-template.md.
"""
