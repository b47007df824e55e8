from django.urls import path

from arena.pages import competitions as views
from arena.pages import organize as views_organize
from arena.pages import rules as views_rules
from arena.pages import tasks as views_tasks

app_name = "competitions"

TASK = "c/<slug:competition_slug>/tasks/<slug:task_slug>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("datasets-standard/", views.datasets_standard, name="datasets_standard"),
    path("c/<slug:competition_slug>/", views.competition_detail, name="detail"),
    # The task's tabs, each its own URL: Submit is submissions:upload (the tab on GET, the
    # upload on POST), Leaderboard is leaderboards:task.
    path(TASK, views_tasks.task_detail, name="task"),
    path(TASK + "data/", views_tasks.task_data, name="task_data"),
    path(TASK + "mine/", views_tasks.task_my_submissions, name="task_mine"),
    path(TASK + "quota/", views_tasks.task_quota, name="task_quota"),
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
        "c/<slug:competition_slug>/organize/tasks/<slug:task_slug>/baselines/",
        views_organize.task_manage_baselines,
        name="task_manage_baselines",
    ),
    path(
        TASK + "data/<slug:table>.<slug:file_format>",
        views_tasks.task_download,
        name="download",
    ),
    path(TASK + "everything.<slug:file_format>.zip", views_tasks.task_download_all, name="bundle"),
    path(TASK + "thumbnails/<path:name>", views_tasks.task_thumbnail, name="thumbnail"),
    path("c/<slug:competition_slug>/rules/", views_rules.competition_rules, name="rules"),
]
