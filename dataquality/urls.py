from django.urls import path

from dataquality import match_views, views

app_name = "dataquality"

urlpatterns = [
    path("", views.page, name="page"),
    path("run/", views.run, name="run"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("match/", match_views.workbench, name="match"),
    path("match/<int:pk>/", match_views.batch, name="match_batch"),
    path("match/<int:pk>/confirm/", match_views.confirm, name="match_confirm"),
    path("match/<int:pk>/file/", match_views.file_cases, name="match_file"),
]
