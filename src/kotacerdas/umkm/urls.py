"""Routes of the UMKM/IKM registry. Each sub-package keeps its routes in its
own ``urls.py``; the names stay in one namespace (``umkm:...``)."""

from django.urls import URLPattern

from kotacerdas.umkm.duplicates import urls as duplicates
from kotacerdas.umkm.field import urls as field
from kotacerdas.umkm.imports import urls as imports
from kotacerdas.umkm.national import urls as national
from kotacerdas.umkm.oss import urls as oss
from kotacerdas.umkm.pdp import urls as pdp
from kotacerdas.umkm.registry import urls as registry
from kotacerdas.umkm.statistics import urls as statistics

app_name = "umkm"

urlpatterns: list[URLPattern] = [
    *registry.urlpatterns,
    *imports.urlpatterns,
    *duplicates.urlpatterns,
    *statistics.urlpatterns,
    *pdp.urlpatterns,
    *field.urlpatterns,
    *oss.urlpatterns,
    *national.urlpatterns,
]
