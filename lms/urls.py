from django.urls import path

from . import views

app_name = "lms"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("cursus/<int:course_id>/inschrijven/", views.enrol, name="enrol"),
    path("cursus/<int:course_id>/starten/", views.start, name="start"),
    path("les/<int:lesson_id>/", views.lesson, name="lesson"),
    path("les/<int:lesson_id>/verder/", views.lesson_done, name="lesson_done"),
    path("poging/<uuid:attempt_id>/", views.attempt_detail, name="attempt"),
    path("poging/<uuid:attempt_id>/verhaallijn/", views.storyline_choose, name="storyline_choose"),
    path("poging/<uuid:attempt_id>/inleveren/", views.attempt_submit, name="attempt_submit"),
    path("poging/<uuid:attempt_id>/vraag/<str:question_id>/", views.answer, name="answer"),
    path(
        "poging/<uuid:attempt_id>/scenario/<str:question_id>/",
        views.scenario_choice,
        name="scenario_choice",
    ),
]
