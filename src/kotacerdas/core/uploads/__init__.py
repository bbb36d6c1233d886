"""Checking uploaded files before anything else touches them.

Every upload (evidence for monitoring, evaluation evidence, registry imports)
goes through :func:`validate_upload` before it is stored or parsed. The file is
judged by its *content*: the extension only says which kind the uploader
claims, and the content must prove it. Anything that can run (programs,
scripts, HTML, SVG, macros) is refused, and so are files built to hurt the
parser that opens them later (zip bombs, decompression bombs, path traversal
inside archives, polyglots).

Callers::

    checked = validate_upload(request.FILES["berkas"], kinds=EVIDENCE_KINDS)
    name = store_checked(upload, checked)          # kotacerdas.core.storage

Every refusal is a ``ValidationError`` whose message is Indonesian first and
English after `` / ``, and whose ``code`` is one of :class:`Refusal`. What is
checked, and what is only heuristic, is described in docs/uploads.md.

The file is read in chunks (never whole into memory) and its position is put
back where it was when this package is done with it.

The package, by what changes together (import from here, not from the
modules, unless you change the checks):

- ``kinds``: the allow-list (:class:`Kind`, ``KINDS`` and its groups), the
  refusal codes, size limits and display names;
- ``sniffing``: what the first bytes say a file is;
- ``inspection``: one run over one file, its refusal messages and reading;
- ``validation``: :func:`validate_upload` and the order of the checks;
- a module per family: ``pdf``, ``images``, ``text``, ``office`` (zip
  containers: OOXML and ODF), ``ole`` (legacy Office);
- ``virus``: the clamd scanner.

Storing an accepted file is :mod:`kotacerdas.core.storage`.
"""

from kotacerdas.core.uploads.images import MAX_IMAGE_PIXELS
from kotacerdas.core.uploads.inspection import CHUNK_BYTES, HEAD_BYTES, TAIL_BYTES
from kotacerdas.core.uploads.kinds import (
    DEFAULT_MAX_MB,
    DOCUMENT_KINDS,
    EVIDENCE_KINDS,
    KIND_BY_EXTENSION,
    KINDS,
    MAX_NAME_CHARS,
    MB,
    MIME_TYPES,
    PHOTO_KINDS,
    SPREADSHEET_KINDS,
    CheckedUpload,
    Kind,
    Refusal,
    accept_attribute,
    display_name,
    max_upload_bytes,
)
from kotacerdas.core.uploads.office import (
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNCOMPRESSED,
    ZIP_RATIO_MIN_BYTES,
)
from kotacerdas.core.uploads.pdf import PDF_MAX_INFLATED, PDF_MAX_OBJECT_STREAMS
from kotacerdas.core.uploads.sniffing import LABELS, OLE_MAGIC
from kotacerdas.core.uploads.validation import validate_upload
from kotacerdas.core.uploads.virus import clamd_instream

__all__ = [
    "CHUNK_BYTES",
    "DEFAULT_MAX_MB",
    "DOCUMENT_KINDS",
    "EVIDENCE_KINDS",
    "HEAD_BYTES",
    "KINDS",
    "KIND_BY_EXTENSION",
    "LABELS",
    "MAX_IMAGE_PIXELS",
    "MAX_NAME_CHARS",
    "MB",
    "MIME_TYPES",
    "OLE_MAGIC",
    "PDF_MAX_INFLATED",
    "PDF_MAX_OBJECT_STREAMS",
    "PHOTO_KINDS",
    "SPREADSHEET_KINDS",
    "TAIL_BYTES",
    "ZIP_MAX_MEMBERS",
    "ZIP_MAX_RATIO",
    "ZIP_MAX_UNCOMPRESSED",
    "ZIP_RATIO_MIN_BYTES",
    "CheckedUpload",
    "Kind",
    "Refusal",
    "accept_attribute",
    "clamd_instream",
    "display_name",
    "max_upload_bytes",
    "validate_upload",
]
