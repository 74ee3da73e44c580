from django.urls import path

from gradebook.api import homework as views

urlpatterns = [
    path("homework/", views.GivenHomeworkApi.as_view(), name="api-homework-given"),
    path("homework/<int:homework_id>/", views.HomeworkDetailApi.as_view(), name="api-homework-detail"),
    path("homework/items/", views.MyItemsApi.as_view(), name="api-homework-items"),
    path("homework/items/<int:item_id>/", views.ItemDetailApi.as_view(), name="api-homework-item"),
    path("homework/items/<int:item_id>/submissions/", views.SubmissionCreateApi.as_view(),
         name="api-homework-submit"),
    path("homework/items/<int:item_id>/accept/", views.AcceptApi.as_view(), name="api-homework-accept"),
    path("homework/items/<int:item_id>/return/", views.ReturnApi.as_view(), name="api-homework-return"),
]
