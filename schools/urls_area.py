from django.urls import path, re_path

from schools import views_area

app_name = "area"

urlpatterns = [
    path("", views_area.area_index, name="index"),
    re_path(r"^enter/(?P<code>\d{6})/$", views_area.area_enter, name="enter"),
    path("leave/", views_area.area_leave, name="leave"),
]
