"""The models of the UMKM/IKM registry, each defined in the sub-package it
belongs to; Django looks for an app's models here. Code inside the app
imports them from their sub-package (``kotacerdas.umkm.registry.models``…);
other apps may import them from here."""

from kotacerdas.umkm.duplicates.models import BusinessMerge, DuplicateCandidate
from kotacerdas.umkm.field.models import FieldSubmission
from kotacerdas.umkm.imports.aliases import PlaceAlias
from kotacerdas.umkm.imports.models import ColumnMapping, ImportJob
from kotacerdas.umkm.national.models import SiinasTarget
from kotacerdas.umkm.oss.models import OssImport, OssRow
from kotacerdas.umkm.pdp.models import ExportJob, PersonalDataAccess
from kotacerdas.umkm.registry.models import (
    Business,
    IkmClass,
    KbliCode,
    KbliVersion,
    RegistrySettings,
    SizeBasis,
    SizeClass,
)

__all__ = [
    "Business",
    "BusinessMerge",
    "ColumnMapping",
    "DuplicateCandidate",
    "ExportJob",
    "FieldSubmission",
    "IkmClass",
    "ImportJob",
    "KbliCode",
    "KbliVersion",
    "OssImport",
    "OssRow",
    "PersonalDataAccess",
    "PlaceAlias",
    "RegistrySettings",
    "SiinasTarget",
    "SizeBasis",
    "SizeClass",
]
