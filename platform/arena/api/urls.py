"""REST API routes under /api/, the schema and its docs, and the token page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from arena.api import views, views_environment, views_methods, views_tokens

app_name = "api"

TASK = "competitions/<slug:competition_slug>/tasks/<slug:task_slug>/"

urlpatterns = [
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script as a file, so the page keeps to our CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("competitions/", views.competition_list, name="competitions"),
    path(TASK, views.task_detail, name="task"),
    path(TASK + "files/<slug:table>.<slug:file_format>", views.task_download, name="task_download"),
    path(TASK + "submissions/", views.task_submissions, name="submissions"),
    path(TASK + "submissions/<int:submission_id>/", views.submission_detail, name="submission"),
    path(
        TASK + "submissions/<int:submission_id>/final/",
        views.submission_final,
        name="submission_final",
    ),
    path(
        TASK + "submissions/<int:submission_id>/file",
        views.submission_file,
        name="submission_file",
    ),
    path(TASK + "leaderboard/", views.task_leaderboard, name="task_leaderboard"),
    path(
        "competitions/<slug:competition_slug>/tracks/<slug:track_slug>/leaderboard/",
        views.track_leaderboard,
        name="track_leaderboard",
    ),
    path(
        "competitions/<slug:competition_slug>/methods/",
        views_methods.team_methods,
        name="methods",
    ),
    path(
        "competitions/<slug:competition_slug>/methods/versions/<int:version_id>/runs/",
        views_methods.version_runs,
        name="method_runs",
    ),
    path("methods/environment/", views_environment.method_environment, name="environment"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found, name="not_found"),
]
