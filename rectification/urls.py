from django.urls import path

from rectification import views

app_name = "rectification"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/start/", views.item_start, name="start"),
    path("<int:pk>/complete/", views.item_complete, name="complete"),
    path("<int:pk>/close/", views.item_close, name="close"),
    path("<int:pk>/long-term/", views.item_mark_long_term, name="long_term"),
    path("<int:pk>/reopen/", views.item_reopen, name="reopen"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("import/", views.feedback_import, name="import"),
    path("import/template/", views.feedback_template, name="import_template"),
    path("export/", views.ledger_export, name="export"),
    path("plan/", views.plan, name="plan"),
    path("plan/date/", views.inspection_date_set, name="inspection_date"),
    path("plan/create/", views.plan_create, name="plan_create"),
    path("plan/tasks/new/", views.task_create, name="task_create"),
    path("plan/tasks/<int:pk>/", views.task_edit, name="task_edit"),
    path("plan/tasks/<int:pk>/start/", views.task_start, name="task_start"),
    path("plan/tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("plan/tasks/<int:pk>/reopen/", views.task_reopen, name="task_reopen"),
    path("archive/", views.archive, name="archive"),
    path("archive/points/<int:pk>/upload/", views.archive_upload, name="archive_upload"),
    path("archive/files/<int:pk>/", views.archive_download, name="archive_download"),
    path("readiness/", views.readiness_board, name="readiness"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/generate/", views.proposals_generate, name="proposals_generate"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/discard/", views.proposal_discard, name="proposal_discard"),
]
