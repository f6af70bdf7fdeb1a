from django.urls import path

from dataquality import match_views, reconcile_views, views

app_name = "dataquality"

urlpatterns = [
    path("", views.page, name="page"),
    path("run/", views.run, name="run"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("match/", match_views.workbench, name="match"),
    path("match/<int:pk>/", match_views.batch, name="match_batch"),
    path("match/<int:pk>/status/", match_views.batch_status, name="match_status"),
    path("match/<int:pk>/retry/", match_views.retry, name="match_retry"),
    path("match/<int:pk>/confirm/", match_views.confirm, name="match_confirm"),
    path("match/<int:pk>/file/", match_views.file_cases, name="match_file"),
    path("reconcile/", reconcile_views.index, name="reconcile"),
    path("reconcile/template/<str:kind>/", reconcile_views.template, name="reconcile_template"),
    path("reconcile/mapping/<str:kind>/forget/", reconcile_views.forget_mapping, name="reconcile_forget"),
    path("reconcile/<int:pk>/", reconcile_views.run_detail, name="reconcile_run"),
    path("reconcile/<int:pk>/mapping/", reconcile_views.mapping, name="reconcile_mapping"),
    path("reconcile/<int:pk>/cancel/", reconcile_views.cancel, name="reconcile_cancel"),
    path("reconcile/<int:pk>/xlsx/", reconcile_views.export, name="reconcile_export"),
]
