from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("doelen.<str:fmt>", views.overview_export, name="overview_export"),
    path("volledig.<str:fmt>", views.full_export, name="full_export"),
    path("kwartaalrapportage.pdf", views.quarterly_report, name="quarterly_report"),
    path("buitentellingen/", views.outside_counts, name="outside_counts"),
    path(
        "buitentellingen/sjabloon.csv",
        views.outside_counts_template_download,
        name="outside_counts_template",
    ),
    path(
        "buitentellingen/<int:pk>/intrekken/",
        views.outside_count_file_withdrawal,
        name="outside_count_file_withdraw",
    ),
    path("doelen/<int:pk>/", views.target_detail, name="target"),
    path("doelen/<int:pk>/n/", views.target_population, name="target_population"),
    path("doelen/<int:pk>/<slug:table>.<str:fmt>", views.table_export, name="table_export"),
]
