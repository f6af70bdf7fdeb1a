from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("area/", include("schools.urls_area")),
    path("indicators/", include("indicators.urls")),
    path("workforce/", include("workforce.urls")),
    path("dropout/", include("dropout_control.urls")),
    path("rectification/", include("rectification.urls")),
    path("surveys/", include("surveys.urls")),
    path("dataquality/", include("dataquality.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("applications/", include("applications.urls")),
    path("reviews/", include("reviews.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("healthz/", include("ops.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "县域义务教育均衡迎检平台 管理后台"
admin.site.site_title = "迎检平台"
