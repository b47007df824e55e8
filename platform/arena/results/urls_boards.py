from django.urls import path

from arena.results import views_boards as views

app_name = "leaderboards"

urlpatterns = [
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/leaderboard/",
        views.task_leaderboard,
        name="task",
    ),
    path(
        "c/<slug:competition_slug>/tasks/<slug:task_slug>/leaderboard/after/",
        views.task_after_leaderboard,
        name="task_after",
    ),
    path(
        "c/<slug:competition_slug>/tracks/<slug:track_slug>/leaderboard/",
        views.track_leaderboard,
        name="track",
    ),
]
