"""Routes of the UMKM/IKM registry. Each area keeps its views in its own
module and its routes in that module's ``urlpatterns`` list."""

from django.urls import URLPattern

from kotacerdas.umkm import (
    duplicate_views,
    import_views,
    pdp_views,
    public_views,
    stats_views,
    views,
)

app_name = "umkm"

urlpatterns: list[URLPattern] = [
    *views.urlpatterns,
    *import_views.urlpatterns,
    *duplicate_views.urlpatterns,
    *stats_views.urlpatterns,
    *public_views.urlpatterns,
    *pdp_views.urlpatterns,
]
