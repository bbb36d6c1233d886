"""Routes of the offline form: the page, its service worker (under the
page's path: the worker's scope), the sync token and the entry endpoint."""

from django.urls import URLPattern, path

from kotacerdas.umkm.field import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/lapangan/", views.field_form, name="field_form"),
    path("wilayah/<str:code>/umkm/lapangan/sw.js", views.field_worker, name="field_worker"),
    path("wilayah/<str:code>/umkm/lapangan/token/", views.field_token, name="field_token"),
    path("wilayah/<str:code>/umkm/lapangan/kirim/", views.field_submit, name="field_submit"),
]
