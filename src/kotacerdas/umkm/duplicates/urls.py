"""Routes of the duplicate review queue and the merges."""

from django.urls import URLPattern, path

from kotacerdas.umkm.duplicates import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/duplikat/", views.duplicate_list, name="duplicate_list"),
    path("wilayah/<str:code>/umkm/duplikat/cari/", views.duplicate_search, name="duplicate_search"),
    path("wilayah/<str:code>/umkm/penggabungan/", views.merge_list, name="merge_list"),
    path("umkm/duplikat/<int:pk>/", views.duplicate_detail, name="duplicate_detail"),
    path("umkm/duplikat/<int:pk>/gabung/", views.duplicate_merge, name="duplicate_merge"),
    path(
        "umkm/duplikat/<int:pk>/berbeda/", views.duplicate_keep_apart, name="duplicate_keep_apart"
    ),
    path("umkm/penggabungan/<int:pk>/batalkan/", views.merge_undo, name="merge_undo"),
]
