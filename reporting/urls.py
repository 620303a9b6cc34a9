from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("doelen.<str:fmt>", views.overview_export, name="overview_export"),
    path("volledig.<str:fmt>", views.full_export, name="full_export"),
    path("kwartaalrapportage.pdf", views.quarterly_report, name="quarterly_report"),
    path("doelen/<int:pk>/", views.target_detail, name="target"),
    path("doelen/<int:pk>/n/", views.target_population, name="target_population"),
    path("doelen/<int:pk>/<slug:table>.<str:fmt>", views.table_export, name="table_export"),
]
