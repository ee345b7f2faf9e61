app_name = "assist"
urlpatterns = []
