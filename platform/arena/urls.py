from django.contrib import admin
from django.urls import include, path

from arena.core.views import healthz, platform_status_page

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("status/", platform_status_page, name="platform_status"),
    path("admin/", admin.site.urls),
    path("api/", include("arena.api.urls")),
    path("accounts/", include("arena.accounts.urls")),
    path("", include("arena.competitions.urls")),
    path("", include("arena.teams.urls")),
    path("", include("arena.submissions.urls")),
    path("", include("arena.leaderboards.urls")),
    path("", include("arena.compare.urls")),
]
