"""Routes of the assessor side: assignments, scoring, consolidation,
publishing, the result (names in the ``evaluation`` namespace)."""

from django.urls import path

from kotacerdas.evaluation.assessment import views

urlpatterns = [
    path("evaluasi/penugasan-saya/", views.my_assignments, name="my_assignments"),
    path("evaluasi/siklus/<int:pk>/asesor/", views.assignment_manage, name="assignment_manage"),
    path("evaluasi/penugasan/<int:pk>/utama/", views.assignment_lead, name="assignment_lead"),
    path("evaluasi/penugasan/<int:pk>/hapus/", views.assignment_remove, name="assignment_remove"),
    path(
        "evaluasi/siklus/<int:pk>/benturan-kepentingan/",
        views.conflict_declare,
        name="conflict_declare",
    ),
    path("evaluasi/siklus/<int:pk>/penilaian/", views.assess, name="assess"),
    path(
        "evaluasi/siklus/<int:pk>/permintaan-bukti/",
        views.evidence_request_create,
        name="evidence_request_create",
    ),
    path(
        "evaluasi/permintaan-bukti/<int:pk>/tutup/",
        views.evidence_request_close,
        name="evidence_request_close",
    ),
    path("evaluasi/siklus/<int:pk>/konsolidasi/", views.consolidate, name="consolidate"),
    path(
        "evaluasi/siklus/<int:pk>/konsolidasi/baseline/",
        views.baseline_derive,
        name="baseline_derive",
    ),
    path("evaluasi/siklus/<int:pk>/ringkasan/", views.summary_edit, name="summary_edit"),
    path("evaluasi/siklus/<int:pk>/selesai-dinilai/", views.mark_scored, name="mark_scored"),
    path("evaluasi/siklus/<int:pk>/umumkan/", views.publish, name="cycle_publish"),
    path("evaluasi/siklus/<int:pk>/koreksi/", views.correct, name="result_correct"),
    path("evaluasi/siklus/<int:pk>/hasil/", views.result, name="cycle_result"),
]
