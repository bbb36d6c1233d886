"""Routes of the region side: the self-assessment, evidence, evidence requests,
applications (names in the ``evaluation`` namespace)."""

from django.urls import path

from kotacerdas.evaluation.self_assessment import views

urlpatterns = [
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/",
        views.answer_list,
        name="answer_list",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/dimensi/<int:dimension_pk>/",
        views.answer_grid,
        name="answer_grid",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/ajukan/",
        views.self_assessment_submit,
        name="self_assessment_submit",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/",
        views.answer_edit,
        name="answer_edit",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/pengisi/",
        views.answer_delegate,
        name="answer_delegate",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/bukti/unggah/",
        views.answer_evidence_upload,
        name="answer_evidence_upload",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/bukti/tautan/",
        views.answer_evidence_link,
        name="answer_evidence_link",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/bukti/pilih/",
        views.answer_evidence_pick,
        name="answer_evidence_pick",
    ),
    path(
        "evaluasi/bukti/<int:pk>/hapus/",
        views.answer_evidence_delete,
        name="answer_evidence_delete",
    ),
    path(
        "evaluasi/bukti/<int:pk>/unduh/",
        views.answer_evidence_download,
        name="answer_evidence_download",
    ),
    path(
        "evaluasi/permintaan-bukti/<int:pk>/jawab/",
        views.evidence_request_respond,
        name="evidence_request_respond",
    ),
    path(
        "wilayah/<str:code>/penilaian-mandiri/",
        views.contribution_list,
        name="contribution_list",
    ),
    path("wilayah/<str:code>/aplikasi/", views.application_list, name="application_list"),
    path(
        "wilayah/<str:code>/aplikasi/baru/",
        views.application_create,
        name="application_create",
    ),
    path(
        "evaluasi/aplikasi/<int:pk>/ubah/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "evaluasi/aplikasi/<int:pk>/hapus/",
        views.application_delete,
        name="application_delete",
    ),
]
