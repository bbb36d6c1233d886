"""Routes of the cycle pages (names in the ``evaluation`` namespace)."""

from django.urls import path

from kotacerdas.evaluation.cycles import views

urlpatterns = [
    path("wilayah/<str:code>/evaluasi/", views.cycle_list, name="cycle_list"),
    path("wilayah/<str:code>/evaluasi/baru/", views.cycle_create, name="cycle_create"),
    path("evaluasi/siklus/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("evaluasi/siklus/<int:pk>/jadwal/", views.cycle_schedule, name="cycle_schedule"),
    path("evaluasi/siklus/<int:pk>/keadaan/", views.cycle_advance, name="cycle_advance"),
]
