from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("new/template/", views.survey_create_from_template, name="create_from_template"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/open/", views.survey_open, name="open"),
    path("<int:pk>/close/", views.survey_close, name="close"),
    path("<int:pk>/reopen/", views.survey_reopen, name="reopen"),
    path("<int:pk>/questions/new/", views.question_create, name="question_create"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/invitations/", views.invitation_list, name="invitations"),
    path("<int:pk>/invitations/generate/", views.invitation_generate, name="invitation_generate"),
    path("<int:pk>/invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/deactivate/", views.invitation_deactivate, name="invitation_deactivate"),
    path("invitations/<int:pk>/qr.png", views.invitation_qr, {"fmt": "png"}, name="invitation_qr_png"),
    path("invitations/<int:pk>/qr.svg", views.invitation_qr, {"fmt": "svg"}, name="invitation_qr_svg"),
    path("<int:pk>/qr/", views.qr_sheet, name="qr_sheet"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_export"),
    path("<int:pk>/comments/", views.comments, name="comments"),
    # Public, no login: the invitation token is the only credential.
    path("a/<str:token>/", views.answer, name="answer"),
    path("a/<str:token>/done/", views.answer_done, name="answer_done"),
]
