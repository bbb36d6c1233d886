from django.urls import path

from kotacerdas.masterplan import views

app_name = "masterplan"

urlpatterns = [
    path("cara-menghitung/", views.method, name="method"),
    path("wilayah/<str:code>/", views.dashboard, name="dashboard"),
    path("wilayah/<str:code>/masterplan/ubah/", views.masterplan_edit, name="masterplan_edit"),
    path("wilayah/<str:code>/angka/<str:metric>/<str:scope>/", views.explain, name="explain"),
    path("wilayah/<str:code>/program/", views.programme_list, name="programme_list"),
    path("wilayah/<str:code>/program/baru/", views.programme_create, name="programme_create"),
    path("wilayah/<str:code>/rencana-aksi/", views.action_plan_list, name="action_plan_list"),
    path("program/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("program/<int:pk>/ubah/", views.programme_edit, name="programme_edit"),
    path("program/<int:pk>/hapus/", views.programme_delete, name="programme_delete"),
    path(
        "program/<int:pk>/rencana-aksi/baru/",
        views.action_plan_create,
        name="action_plan_create",
    ),
    path("rencana-aksi/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path("rencana-aksi/<int:pk>/ubah/", views.action_plan_edit, name="action_plan_edit"),
    path("rencana-aksi/<int:pk>/status/", views.action_plan_status, name="action_plan_status"),
    path(
        "rencana-aksi/<int:pk>/koreksi-status/",
        views.action_plan_correct,
        name="action_plan_correct",
    ),
    path("rencana-aksi/<int:pk>/hapus/", views.action_plan_delete, name="action_plan_delete"),
    path("riwayat/<str:kind>/<int:pk>/", views.history, name="history"),
]
