"""Routes of the national systems: the SIDT-KUMKM export and the SIINas page."""

from django.urls import URLPattern, path

from kotacerdas.umkm.national import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/ekspor/sidt-kumkm/", views.sidt_export, name="sidt_export"),
    path("wilayah/<str:code>/umkm/siinas/", views.siinas, name="siinas"),
]
