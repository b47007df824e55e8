"""The runner's environment on a page: what a method can import, and the sandbox's limits."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.methods.environment import environment_summary


@login_required
@require_GET
def environment_page(request):
    return render(request, "methods/environment.html", environment_summary())
