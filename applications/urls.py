from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.package_page, name="package"),
    path("new/", views.package_create, name="create"),
    path("<int:pk>/status/", views.package_status, name="status"),
    path("<int:pk>/retry/", views.package_retry_view, name="retry"),
    path("<int:pk>/download/<str:kind>/", views.package_download, name="download"),
    path("facts/<int:year>/", views.facts_edit, name="facts"),
    path("eligibility/", views.eligibility_edit, name="eligibility"),
    path("visits/<int:year>/", views.visits_edit, name="visits"),
]
