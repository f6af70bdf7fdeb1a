from django.urls import path  # noqa: F401  (views arrive with the 申报材料 page)

app_name = "applications"
urlpatterns: list = []
