from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("schools/", views.schools, name="schools"),
    path("trends/", views.trends, name="trends"),
]
