from django.urls import path, re_path

from schools import views, views_import

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    # A 学校标识码 is 10 digits, so these never shadow word paths such as import/.
    re_path(r"^(?P<code>\d{10})/$", views.school_detail, name="detail"),
    re_path(
        r"^(?P<code>\d{10})/conditions/(?P<year>\d{4})/edit/$", views.conditions_edit, name="conditions_edit"
    ),
    re_path(r"^(?P<code>\d{10})/conditions/add/$", views.conditions_add, name="conditions_add"),
]

# Excel import / export (schools.views_import)
urlpatterns += [
    path("import/", views_import.import_start, name="import_start"),
    path("import/history/", views_import.import_history, name="import_history"),
    path("import/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views_import.import_apply, name="import_confirm"),
    path("import/template/<str:kind>/", views_import.import_template, name="import_template"),
    path("export/<str:kind>/", views_import.export, name="export"),
]
