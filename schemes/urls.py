app_name = "schemes"
urlpatterns = []
