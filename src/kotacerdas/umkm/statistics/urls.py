"""Routes of the registry's statistics: the officers' page and CSV, the map, the public page."""

from django.urls import URLPattern, path

from kotacerdas.umkm.statistics import views

urlpatterns: list[URLPattern] = [
    path("wilayah/<str:code>/umkm/statistik/", views.statistics, name="statistics"),
    path("wilayah/<str:code>/umkm/statistik/csv/", views.statistics_csv, name="statistics_csv"),
    path("wilayah/<str:code>/umkm/peta/", views.map_page, name="map"),
    path("wilayah/<str:code>/umkm/peta/titik.json", views.map_points_json, name="map_points"),
    path(
        "wilayah/<str:code>/umkm/peta/batas.json",
        views.map_boundaries_json,
        name="map_boundaries",
    ),
    path("statistik-umkm/<str:code>/", views.public_statistics_page, name="public_statistics"),
]
