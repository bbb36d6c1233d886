"""Routes of the personal-data pages: reveal, export, the per-person report
and the record of processing."""

from django.urls import URLPattern, path

from kotacerdas.umkm.pdp import views

urlpatterns: list[URLPattern] = [
    path("umkm/<int:pk>/buka-data-pribadi/", views.business_reveal, name="business_reveal"),
    path("wilayah/<str:code>/umkm/ekspor/", views.business_export, name="business_export"),
    path("umkm/ekspor/<int:pk>/", views.export_detail, name="export_detail"),
    path("umkm/ekspor/<int:pk>/kemajuan/", views.export_progress, name="export_progress"),
    path("umkm/ekspor/<int:pk>/unduh/", views.export_download, name="export_download"),
    path(
        "wilayah/<str:code>/umkm/laporan-pemilik-data/", views.subject_report, name="subject_report"
    ),
    path("wilayah/<str:code>/umkm/catatan-pemrosesan/", views.access_log_view, name="access_log"),
    path("wilayah/<str:code>/umkm/anonimkan/", views.anonymise, name="anonymise"),
]
