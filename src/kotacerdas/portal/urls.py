from django.urls import path

from kotacerdas.portal import views

app_name = "portal"

urlpatterns = [
    path("publik/<str:code>/", views.home, name="home"),
    path("publik/<str:code>/pilar/<str:pillar>/", views.pillar, name="pillar"),
    path("publik/<str:code>/program/<int:pk>/", views.programme, name="programme"),
    path("publik/<str:code>/angka/<str:metric>/<str:scope>/", views.explain, name="explain"),
    path("publik/<str:code>/cari/", views.search, name="search"),
    path("publik/<str:code>/tren/", views.trend, name="trend"),
    path("publik/<str:code>/widget/", views.widget, name="widget"),
    path("publik/<str:code>/foto/<int:pk>/", views.photo, name="photo"),
    path("publik/<str:code>/data/", views.catalogue, name="catalogue"),
    path(
        "publik/<str:code>/data/<slug:dataset>.metadata.json",
        views.metadata,
        name="dataset_metadata",
    ),
    path("publik/<str:code>/data/<slug:dataset>.<str:fmt>", views.download, name="download"),
]
