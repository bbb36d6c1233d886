"""Routes of the survey import pages."""

from django.urls import URLPattern, path

from kotacerdas.umkm.imports import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/impor/", views.import_list, name="import_list"),
    path("wilayah/<str:code>/umkm/impor/unggah/", views.import_upload, name="import_upload"),
    path("umkm/impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("umkm/impor/<int:pk>/pemetaan/", views.import_mapping, name="import_mapping"),
    path("umkm/impor/<int:pk>/kemajuan/", views.import_progress, name="import_progress"),
    path("umkm/impor/<int:pk>/laporan/", views.import_report, name="import_report"),
    path("umkm/impor/<int:pk>/nama-tempat/", views.import_place_alias, name="import_place_alias"),
]
