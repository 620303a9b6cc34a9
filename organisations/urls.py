from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("aanmelden/", views.organisation_register, name="register"),
    path("gecertificeerd/", views.public_list, name="public_list"),
    path("aansluiten/<str:token>/", views.join, name="join"),
    path("uitnodiging/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "beheer-uitnodiging/<str:token>/",
        views.manager_invitation_accept,
        name="manager_invitation_accept",
    ),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/bewerken/", views.organisation_edit, name="edit"),
    path("<int:pk>/managers/", views.manager_add, name="manager_add"),
    path(
        "<int:pk>/managers/<int:user_id>/verwijderen/",
        views.manager_remove,
        name="manager_remove",
    ),
    path("<int:pk>/locaties/", views.location_add, name="location_add"),
    path(
        "<int:pk>/locaties/<int:location_id>/verwijderen/",
        views.location_remove,
        name="location_remove",
    ),
    path("<int:pk>/uitnodigen/", views.invite, name="invite"),
    path(
        "<int:pk>/uitnodigingen/<int:invitation_id>/opnieuw-versturen/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<int:pk>/uitnodigingen/<int:invitation_id>/intrekken/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<int:pk>/importeren/", views.members_import, name="import"),
    path("<int:pk>/personeel.csv", views.members_export, name="export"),
    path("<int:pk>/personeel-sjabloon.csv", views.members_template, name="import_template"),
    path("<int:pk>/registratie/", views.registration_review, name="registration_review"),
    path("<int:pk>/herinneringen/", views.reminders_send, name="reminders"),
    path(
        "<int:pk>/personeel/<int:membership_id>/verwijderen/",
        views.member_remove,
        name="member_remove",
    ),
    path("<int:pk>/certificaat.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("<int:pk>/raamsticker.pdf", views.sticker_pdf, name="sticker_pdf"),
    path("<int:pk>/aansluiten/", views.join_poster, name="join_poster"),
    path("<int:pk>/aansluiten/vernieuwen/", views.join_link_rotate, name="join_link_rotate"),
    path("<int:pk>/cursussen/", views.counting_courses, name="counting_courses"),
]
