from django.urls import path

from kotacerdas.monitoring import views
from kotacerdas.monitoring.workbook import views as workbook_views

app_name = "monitoring"

urlpatterns = [
    path("wilayah/<str:code>/periode/", views.period_list, name="period_list"),
    path("wilayah/<str:code>/periode/buat/", views.period_generate, name="period_generate"),
    path("wilayah/<str:code>/periode/banding/", views.compare, name="compare"),
    path("periode/<int:pk>/", views.period_detail, name="period_detail"),
    path("periode/<int:pk>/buka/", views.period_open, name="period_open"),
    path("periode/<int:pk>/tutup/", views.period_close, name="period_close"),
    path("periode/<int:pk>/potret/", views.snapshot_detail, name="snapshot_detail"),
    path(
        "periode/<int:period_pk>/rencana-aksi/<int:plan_pk>/laporan/",
        views.report_edit,
        name="report_edit",
    ),
    path("laporan/<int:pk>/", views.report_detail, name="report_detail"),
    path("laporan/<int:pk>/ajukan/", views.report_submit, name="report_submit"),
    path("laporan/<int:pk>/verifikasi/", views.report_verify, name="report_verify"),
    path("laporan/<int:pk>/kembalikan/", views.report_return, name="report_return"),
    path("laporan/<int:pk>/bukti/", views.evidence_upload, name="evidence_upload"),
    path("laporan/<int:pk>/tautan/", views.evidence_link, name="evidence_link"),
    path("bukti/<int:pk>/hapus/", views.evidence_delete, name="evidence_delete"),
    path("bukti/<int:pk>/unduh/", views.evidence_download, name="evidence_download"),
    path("rencana-aksi/<int:pk>/lini-masa/", views.timeline, name="timeline"),
]

# The per-agency progress workbook (monitoring/workbook/views.py).
urlpatterns += [
    path("periode/<int:pk>/excel/", workbook_views.workbook_choose, name="workbook_choose"),
    path(
        "periode/<int:pk>/excel/<int:agency_pk>/unduh/",
        workbook_views.workbook_export,
        name="workbook_export",
    ),
    path(
        "periode/<int:pk>/excel/<int:agency_pk>/unggah/",
        workbook_views.workbook_upload,
        name="workbook_upload",
    ),
    path(
        "periode/<int:pk>/excel/<int:agency_pk>/terapkan/",
        workbook_views.workbook_confirm,
        name="workbook_confirm",
    ),
    path(
        "periode/<int:pk>/excel/<int:agency_pk>/batal/",
        workbook_views.workbook_cancel,
        name="workbook_cancel",
    ),
]
