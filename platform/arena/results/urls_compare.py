from django.urls import path

from arena.results import views_compare as views
from arena.results import views_methods

app_name = "compare"

urlpatterns = [
    path("c/<slug:competition_slug>/compare/", views.comparison_page, name="comparison"),
    path("c/<slug:competition_slug>/compare/pairwise/", views.pairwise, name="pairwise"),
    path(
        "c/<slug:competition_slug>/compare/scores.<str:file_format>",
        views.export,
        name="export",
    ),
    path(
        "c/<slug:competition_slug>/compare/statistics.<str:file_format>",
        views.statistics_export,
        name="statistics",
    ),
    path(
        "c/<slug:competition_slug>/methods/<int:team_id>/",
        views_methods.method_detail,
        name="method",
    ),
]
