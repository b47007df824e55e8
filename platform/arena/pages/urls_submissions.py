from django.urls import path

from arena.pages import submissions as views
from arena.pages import tasks as views_tasks

app_name = "submissions"

urlpatterns = [
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/submit/",
        views_tasks.task_submit,
        name="upload",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/submissions/",
        views.team_submissions,
        name="team_list",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/submissions/<int:submission_id>/",
        views.submission_detail,
        name="detail",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/submissions/<int:submission_id>/file/",
        views.submission_file,
        name="file",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/submissions/<int:submission_id>/final/",
        views.submission_final,
        name="final",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/submissions/<int:submission_id>/method/",
        views.submission_method,
        name="method",
    ),
]
