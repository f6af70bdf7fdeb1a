from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("request/", views.assessment_request, name="request"),
    path("target/", views.target_scheme_set, name="target"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/status/", views.assessment_status, name="status"),
    path("<int:pk>/cv/<str:stage>/<str:key>/", views.assessment_drilldown, name="drilldown"),
    path("<int:pk>/gaps/", views.assessment_gaps, name="gaps"),
    path("<int:pk>/sizes/", views.assessment_sizes, name="sizes"),
    path("<int:pk>/what-if/", views.assessment_what_if, name="what_if"),
    path("<int:pk>/table2.xlsx", views.export_table2, name="export_table2"),
    path("<int:pk>/table3.xlsx", views.export_table3, name="export_table3"),
    path("items/", views.county_items, name="items"),
    path("items/<int:year>/<str:key>/", views.county_item_save, name="item_save"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
