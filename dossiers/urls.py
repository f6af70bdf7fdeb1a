from django.urls import path

from dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("new/", views.dossier_create, name="create"),
    path("<int:pk>/status/", views.dossier_status, name="status"),
    path("<int:pk>/download/", views.dossier_download, name="download"),
    path("<int:pk>/retry/", views.dossier_retry_view, name="retry"),
    path("school/<str:code>/brief.pdf", views.school_brief, name="school_brief"),
]
