from django.urls import path

from arena.methods import views, views_batches, views_environment

app_name = "methods"

urlpatterns = [
    path(
        "c/<slug:competition_slug>/organize/runs/", views_batches.competition_runs, name="batches"
    ),
    path("c/<slug:competition_slug>/methods/ask/", views.ask_run, name="ask"),
    path("methods/environment/", views_environment.environment_page, name="environment"),
    path("c/<slug:competition_slug>/team/methods/", views.team_methods, name="team"),
    path(
        "c/<slug:competition_slug>/team/methods/versions/<int:version_id>/",
        views.version_detail,
        name="version",
    ),
    path(
        "c/<slug:competition_slug>/team/methods/versions/<int:version_id>/run/",
        views.version_run,
        name="run",
    ),
    path(
        "c/<slug:competition_slug>/team/methods/versions/<int:version_id>/download/",
        views.version_download,
        name="download",
    ),
]
