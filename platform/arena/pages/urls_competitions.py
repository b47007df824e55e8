from django.urls import path

from arena.pages import announcements as views_announcements
from arena.pages import competitions as views
from arena.pages import console as views_console
from arena.pages import organize as views_organize
from arena.pages import organize_teams as views_teams
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
    path(TASK + "versions/", views_tasks.task_versions, name="task_versions"),
    path(TASK + "quota/", views_tasks.task_quota, name="task_quota"),
    path("organize/new/", views_console.competition_new, name="new"),
    path(
        "c/<slug:competition_slug>/organize/settings/",
        views_console.competition_settings,
        name="settings",
    ),
    path(
        "c/<slug:competition_slug>/organize/tasks/<slug:task_slug>/edit/",
        views_console.task_edit,
        name="task_edit",
    ),
    path(
        "c/<slug:competition_slug>/organize/import/",
        views_organize.task_import,
        name="task_import",
    ),
    path(
        "c/<slug:competition_slug>/announcements/",
        views_announcements.announcements,
        name="announcements",
    ),
    path(
        "c/<slug:competition_slug>/organize/announcements/",
        views_announcements.announcements_organize,
        name="announcements_organize",
    ),
    path(
        "c/<slug:competition_slug>/organize/activity/",
        views_organize.activity,
        name="activity",
    ),
    # The Teams page itself is teams:organize (c/<slug>/organize/teams/), in the teams app.
    path(
        "c/<slug:competition_slug>/organize/teams/<int:team_id>/",
        views_teams.team_page,
        name="organize_team",
    ),
    path(
        "c/<slug:competition_slug>/organize/teams.csv",
        views_teams.teams_download,
        name="organize_teams_csv",
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
