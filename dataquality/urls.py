from django.urls import path

from dataquality import views

app_name = "dataquality"

urlpatterns = [
    path("", views.page, name="page"),
    path("run/", views.run, name="run"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
