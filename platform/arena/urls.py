from django.contrib import admin
from django.urls import include, path

from arena.accounts.forms import AdminLoginForm
from arena.accounts.views import admin_login
from arena.core.views import healthz
from arena.pages.status import platform_status_page

# Every login shares one throttle (accounts/backends.py); the admin's form and login view only
# say how long a lockout lasts and answer 429, as the site's login page does.
admin.site.login_form = AdminLoginForm

# JSON for the API and scripts, 507 when the disk is full (core/error_views.py).
handler500 = "arena.core.error_views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("status/", platform_status_page, name="platform_status"),
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", include("arena.api.urls")),
    path("accounts/", include("arena.accounts.urls")),
    path("", include("arena.pages.urls_competitions")),
    path("", include("arena.teams.urls")),
    path("", include("arena.pages.urls_submissions")),
    path("", include("arena.results.urls_boards")),
    path("", include("arena.results.urls_compare")),
    path("", include("arena.methods.urls")),
]
