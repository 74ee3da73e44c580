from django.urls import path

from gradebook import views

app_name = "gradebook"
urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("diary/", views.diary, name="diary"),
]
