"""URLs of submissions (报送) and their review, included in reviews.urls."""

from django.urls import path

from reviews import views_submissions as views

urlpatterns = [
    path("submissions/", views.submission_list, name="submissions"),
    path("submissions/submit/", views.submission_submit, name="submission_submit"),
    path("submissions/review/", views.review_queue, name="review_queue"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/diff/", views.submission_diff, name="submission_diff"),
    path("submissions/<int:pk>/comment/", views.review_comment, name="review_comment"),
    path("submissions/<int:pk>/step/<slug:action>/", views.review_step, name="review_step"),
    path("submissions/comment/<int:pk>/answer/", views.comment_answer, name="comment_answer"),
]
