from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("coverage/", views.coverage, name="coverage"),
    path("plan/", views.plan, name="plan"),
    path("exchange/", views.exchange, name="exchange"),
    path("training/", views.training, name="training"),
    path("export/", views.export, name="export"),
    path("school/<str:code>/", views.school_detail, name="school"),
    path("school/<str:code>/posts/", views.posts_set, name="posts_set"),
    path("import/", views.import_start, name="import_start"),
    path("import/<str:kind>/", views.import_upload, name="import_upload"),
    path("import/<str:kind>/template/", views.import_template, name="import_template"),
]
