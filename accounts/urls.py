from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_list, name="audit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
]
