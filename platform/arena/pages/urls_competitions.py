from django.urls import path

from arena.pages import competitions as views
from arena.pages import organize as views_organize

app_name = "competitions"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:competition_slug>/", views.competition_detail, name="detail"),
    path("c/<slug:competition_slug>/tasks/<slug:task_slug>/", views.task_detail, name="task"),
    path(
        "c/<slug:competition_slug>/organize/import/",
        views_organize.task_import,
        name="task_import",
    ),
    path(
        "c/<slug:competition_slug>/organize/activity/",
        views_organize.activity,
        name="activity",
    ),
    path(
        "c/<slug:competition_slug>/organize/tasks/<slug:task_slug>/",
        views_organize.task_manage,
        name="task_manage",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/data/<slug:table>.<slug:file_format>",
        views.task_download,
        name="download",
    ),
]
