from django.urls import path

from kotacerdas.evaluation import assessor_views as assessor
from kotacerdas.evaluation import region_views, views
from kotacerdas.evaluation import report_views as reports

app_name = "evaluation"

urlpatterns = [
    path("evaluasi/instrumen/", views.instrument_list, name="instrument_list"),
    path("evaluasi/instrumen/baru/", views.instrument_create, name="instrument_create"),
    path("evaluasi/instrumen/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("evaluasi/instrumen/<int:pk>/ubah/", views.instrument_edit, name="instrument_edit"),
    path("evaluasi/instrumen/<int:pk>/bobot/", views.instrument_weights, name="instrument_weights"),
    path(
        "evaluasi/instrumen/<int:pk>/versi-baru/",
        views.instrument_new_version,
        name="instrument_new_version",
    ),
    path(
        "evaluasi/instrumen/<int:pk>/aktifkan/",
        views.instrument_activate,
        name="instrument_activate",
    ),
    path("evaluasi/instrumen/<int:pk>/unduh/", views.instrument_export, name="instrument_export"),
    path("evaluasi/instrumen/<int:pk>/unggah/", views.instrument_import, name="instrument_import"),
    path("evaluasi/instrumen/<int:pk>/butir/baru/", views.item_create, name="item_create"),
    path("evaluasi/butir/<int:pk>/ubah/", views.item_edit, name="item_edit"),
    path("evaluasi/butir/<int:pk>/hapus/", views.item_delete, name="item_delete"),
    path("wilayah/<str:code>/evaluasi/", views.cycle_list, name="cycle_list"),
    path("wilayah/<str:code>/evaluasi/baru/", views.cycle_create, name="cycle_create"),
    path("evaluasi/siklus/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("evaluasi/siklus/<int:pk>/jadwal/", views.cycle_schedule, name="cycle_schedule"),
    path("evaluasi/siklus/<int:pk>/keadaan/", views.cycle_advance, name="cycle_advance"),
    # Region side: the self-assessment, evidence, evidence requests, applications.
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/",
        region_views.answer_list,
        name="answer_list",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/ajukan/",
        region_views.self_assessment_submit,
        name="self_assessment_submit",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/",
        region_views.answer_edit,
        name="answer_edit",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/pengisi/",
        region_views.answer_delegate,
        name="answer_delegate",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/bukti/unggah/",
        region_views.answer_evidence_upload,
        name="answer_evidence_upload",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/bukti/tautan/",
        region_views.answer_evidence_link,
        name="answer_evidence_link",
    ),
    path(
        "evaluasi/siklus/<int:pk>/penilaian-mandiri/<int:item_pk>/bukti/pilih/",
        region_views.answer_evidence_pick,
        name="answer_evidence_pick",
    ),
    path(
        "evaluasi/bukti/<int:pk>/hapus/",
        region_views.answer_evidence_delete,
        name="answer_evidence_delete",
    ),
    path(
        "evaluasi/bukti/<int:pk>/unduh/",
        region_views.answer_evidence_download,
        name="answer_evidence_download",
    ),
    path(
        "evaluasi/permintaan-bukti/<int:pk>/jawab/",
        region_views.evidence_request_respond,
        name="evidence_request_respond",
    ),
    path(
        "wilayah/<str:code>/penilaian-mandiri/",
        region_views.contribution_list,
        name="contribution_list",
    ),
    path("wilayah/<str:code>/aplikasi/", region_views.application_list, name="application_list"),
    path(
        "wilayah/<str:code>/aplikasi/baru/",
        region_views.application_create,
        name="application_create",
    ),
    path(
        "evaluasi/aplikasi/<int:pk>/ubah/",
        region_views.application_edit,
        name="application_edit",
    ),
    path(
        "evaluasi/aplikasi/<int:pk>/hapus/",
        region_views.application_delete,
        name="application_delete",
    ),
]

# The evaluation report (report_views.py).
urlpatterns += [
    path("evaluasi/siklus/<int:pk>/laporan/", reports.report_page, name="report"),
    path("evaluasi/siklus/<int:pk>/laporan.pdf", reports.report_pdf_download, name="report_pdf"),
    path("evaluasi/siklus/<int:pk>/laporan.xlsx", reports.report_xlsx_download, name="report_xlsx"),
]

# Assessor side: assignments, scoring, consolidation, publishing, the result.
urlpatterns += [
    path("evaluasi/penugasan-saya/", assessor.my_assignments, name="my_assignments"),
    path("evaluasi/siklus/<int:pk>/asesor/", assessor.assignment_manage, name="assignment_manage"),
    path("evaluasi/penugasan/<int:pk>/utama/", assessor.assignment_lead, name="assignment_lead"),
    path(
        "evaluasi/penugasan/<int:pk>/hapus/", assessor.assignment_remove, name="assignment_remove"
    ),
    path(
        "evaluasi/siklus/<int:pk>/benturan-kepentingan/",
        assessor.conflict_declare,
        name="conflict_declare",
    ),
    path("evaluasi/siklus/<int:pk>/penilaian/", assessor.assess, name="assess"),
    path(
        "evaluasi/siklus/<int:pk>/permintaan-bukti/",
        assessor.evidence_request_create,
        name="evidence_request_create",
    ),
    path(
        "evaluasi/permintaan-bukti/<int:pk>/tutup/",
        assessor.evidence_request_close,
        name="evidence_request_close",
    ),
    path("evaluasi/siklus/<int:pk>/konsolidasi/", assessor.consolidate, name="consolidate"),
    path(
        "evaluasi/siklus/<int:pk>/konsolidasi/baseline/",
        assessor.baseline_derive,
        name="baseline_derive",
    ),
    path("evaluasi/siklus/<int:pk>/ringkasan/", assessor.summary_edit, name="summary_edit"),
    path("evaluasi/siklus/<int:pk>/selesai-dinilai/", assessor.mark_scored, name="mark_scored"),
    path("evaluasi/siklus/<int:pk>/umumkan/", assessor.publish, name="cycle_publish"),
    path("evaluasi/siklus/<int:pk>/koreksi/", assessor.correct, name="result_correct"),
    path("evaluasi/siklus/<int:pk>/hasil/", assessor.result, name="cycle_result"),
]
