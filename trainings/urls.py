from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("mijn/", views.my_trainings, name="mine"),
    path("aanwezig/", views.check_in, name="check_in"),
    path("groep/", views.group_requests, name="group_requests"),
    path("groep/aanvragen/", views.group_request_new, name="group_request_new"),
    path("groep/<int:pk>/", views.group_request_detail, name="group_request"),
    path("regio/<slug:slug>.ics", views.region_ics, name="region_ics"),
    path("sessie/<uuid:public_id>/", views.session_detail, name="session"),
    path("sessie/<uuid:public_id>/aanmelden/", views.session_register, name="register"),
    path("sessie/<uuid:public_id>/afmelden/", views.session_cancel, name="cancel"),
    path("sessie/<uuid:public_id>/agenda.ics", views.session_ics, name="session_ics"),
    path("sessie/<uuid:public_id>/aanwezigheid/", views.attendance, name="attendance"),
    path("sessie/<uuid:public_id>/evaluatie/", views.evaluation, name="evaluation"),
    path(
        "sessie/<uuid:public_id>/evaluatie/resultaten/",
        views.evaluation_results,
        name="evaluation_results",
    ),
    path(
        "sessie/<uuid:public_id>/evaluatie/export.csv",
        views.evaluation_export,
        name="evaluation_export",
    ),
    path(
        "training/<int:pk>/evaluatie/",
        views.format_evaluation_results,
        name="format_evaluation_results",
    ),
    path(
        "training/<int:pk>/evaluatie/export.csv",
        views.format_evaluation_export,
        name="format_evaluation_export",
    ),
]
