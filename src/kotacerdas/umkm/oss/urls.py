"""Routes of the OSS-RBA NIB list import and its review."""

from django.urls import URLPattern, path

from kotacerdas.umkm.oss import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/oss/", views.oss_list, name="oss_list"),
    path("wilayah/<str:code>/umkm/oss/unggah/", views.oss_upload, name="oss_upload"),
    path("umkm/oss/<int:pk>/", views.oss_detail, name="oss_detail"),
    path("umkm/oss/<int:pk>/tinjau/", views.oss_review, name="oss_review"),
    path("umkm/oss/<int:pk>/tidak-cocok/", views.oss_unmatched, name="oss_unmatched"),
    path("umkm/oss/baris/<int:pk>/putuskan/", views.oss_decide, name="oss_decide"),
    path("umkm/oss/baris/<int:pk>/daftarkan/", views.oss_register, name="oss_register"),
]
