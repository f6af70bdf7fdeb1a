app_name = "dropout_control"

urlpatterns = []
