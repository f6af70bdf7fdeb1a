from django.urls import path

from dropout_control import views

app_name = "dropout_control"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/confirm/", views.case_confirm, name="confirm"),
    path("<int:pk>/persuade/", views.case_start_persuasion, name="start_persuasion"),
    path("<int:pk>/legal/", views.case_start_legal, name="start_legal"),
    path("<int:pk>/close-request/", views.case_close_request, name="close_request"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/close-reject/", views.case_reject_close, name="reject_close"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/proof/", views.case_proof, name="proof"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/attachment/", views.visit_attachment, name="visit_attachment"),
    path("<int:pk>/responsible/", views.case_responsible, name="responsible"),
    path("<int:pk>/notices/new/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/serve/", views.notice_serve, name="notice_serve"),
    path("overdue/", views.overdue, name="overdue"),
    path("letters/", views.letters, name="letters"),
    path("letters/new/", views.letter_create, name="letter_create"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("register-checks/", views.register_checks, name="register_checks"),
    path("register-checks/new/", views.register_check_create, name="register_check_create"),
    path("retention/", views.retention, name="retention"),
    path("retention/figures/new/", views.cohort_create, name="cohort_create"),
    path("retention/import/", views.cohort_import, name="cohort_import"),
    path("retention/template.xlsx", views.cohort_template, name="cohort_template"),
    path("reports/monthly/", views.report_monthly, name="report_monthly"),
    path("reports/monthly.xlsx", views.report_monthly_xlsx, name="report_monthly_xlsx"),
    path("reports/quarterly/", views.report_quarterly, name="report_quarterly"),
    path("reports/quarterly.xlsx", views.report_quarterly_xlsx, name="report_quarterly_xlsx"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("ledger/template.xlsx", views.ledger_template, name="ledger_template"),
]
