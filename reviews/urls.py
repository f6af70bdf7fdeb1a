from django.urls import path

from reviews import urls_submissions, views, views_board

app_name = "reviews"

urlpatterns = [
    path("", views.draw_list, name="list"),
    path("board/", views_board.board_page, name="board"),
    path("board/xlsx/", views_board.board_xlsx, name="board_xlsx"),
    path("draw/", views.draw_create, name="create"),
    path("<int:pk>/", views.draw_detail, name="detail"),
    path("<int:pk>/table-six/", views.table_six_save, name="table_six"),
    path("<int:pk>/briefs.pdf", views.draw_briefs_pdf, name="briefs_pdf"),
    path("visit/<int:pk>/brief/", views.visit_brief, name="brief"),
    path("visit/<int:pk>/brief.pdf", views.visit_brief_pdf, name="brief_pdf"),
    path("visit/<int:pk>/", views.visit_checklist, name="checklist"),
    path("visit/<int:pk>/save/", views.visit_save, name="checklist_save"),
    path("visit/<int:pk>/photo/", views.photo_upload, name="photo_upload"),
    path("photo/<int:pk>/", views.photo_download, name="photo"),
    *urls_submissions.urlpatterns,
]
