"""Routes of the instrument pages (names in the ``evaluation`` namespace)."""

from django.urls import path

from kotacerdas.evaluation.instruments import views

urlpatterns = [
    path("evaluasi/instrumen/", views.instrument_list, name="instrument_list"),
    path("evaluasi/instrumen/baru/", views.instrument_create, name="instrument_create"),
    path("evaluasi/instrumen/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("evaluasi/instrumen/<int:pk>/ubah/", views.instrument_edit, name="instrument_edit"),
    path("evaluasi/instrumen/<int:pk>/bobot/", views.instrument_weights, name="instrument_weights"),
    path(
        "evaluasi/instrumen/<int:pk>/versi-baru/",
        views.instrument_new_version,
        name="instrument_new_version",
    ),
    path(
        "evaluasi/instrumen/<int:pk>/aktifkan/",
        views.instrument_activate,
        name="instrument_activate",
    ),
    path("evaluasi/instrumen/<int:pk>/unduh/", views.instrument_export, name="instrument_export"),
    path("evaluasi/instrumen/<int:pk>/unggah/", views.instrument_import, name="instrument_import"),
    path("evaluasi/instrumen/<int:pk>/butir/baru/", views.item_create, name="item_create"),
    path("evaluasi/butir/<int:pk>/ubah/", views.item_edit, name="item_edit"),
    path("evaluasi/butir/<int:pk>/hapus/", views.item_delete, name="item_delete"),
]
