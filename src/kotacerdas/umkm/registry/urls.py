"""Routes of the registry pages: the list, a business, registering and
editing, verification, and the public self-registration."""

from django.urls import URLPattern, path

from kotacerdas.umkm.registry import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/", views.business_list, name="business_list"),
    path("wilayah/<str:code>/umkm/baru/", views.business_create, name="business_create"),
    path(
        "wilayah/<str:code>/umkm/verifikasi/",
        views.verification_queue_view,
        name="verification_queue",
    ),
    path("umkm/<int:pk>/", views.business_detail, name="business_detail"),
    path("umkm/<int:pk>/ubah/", views.business_edit, name="business_edit"),
    path("umkm/<int:pk>/verifikasi/", views.business_verify, name="business_verify"),
    path("umkm/<int:pk>/status/", views.business_status, name="business_status"),
    path("daftar-umkm/<str:code>/", views.register, name="register"),
    path("daftar-umkm/<str:code>/selesai/", views.register_done, name="register_done"),
]
