from django.urls import path

from arena.teams import views

app_name = "teams"

urlpatterns = [
    path("c/<slug:competition_slug>/team/", views.my_team, name="mine"),
    path("c/<slug:competition_slug>/team/manage/", views.team_manage, name="manage"),
    path("c/<slug:competition_slug>/organize/teams/", views.competition_teams, name="organize"),
]
