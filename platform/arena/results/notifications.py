"""E-mail that a competition's private results are revealed: beat sends
``arena.results.tasks.mail_results_revealed`` every ``REVEAL_MAIL_INTERVAL_SECONDS``, and each
participant who asked for it gets one message per competition (``accounts.SentMail`` keeps the
record, so a repeated or concurrent job sends nothing twice)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from arena.accounts.mail import notices_send_once, site_url
from arena.competitions.models import Competition
from arena.competitions.selectors import is_revealed


def _revealed_recently(*, now) -> list[Competition]:
    # A competition revealed long ago is old news: only those revealed within the window are
    # looked at, so the job's cost does not grow with the site's history.
    since = now - timedelta(days=settings.REVEAL_MAIL_WINDOW_DAYS)
    reveal = Q(reveal_at__isnull=False, reveal_at__lte=now, reveal_at__gt=since) | Q(
        reveal_at__isnull=True, end_at__lte=now, end_at__gt=since
    )
    return [c for c in Competition.objects.filter(reveal) if is_revealed(competition=c, now=now)]


def reveal_mails_send(*, now=None) -> int:
    """E-mails every participant (a member of a team that is not a baseline team) of each
    competition whose private results came out, if they asked for it and verified their
    address; once per participant and competition. Returns how many messages went out."""
    now = now or timezone.now()
    sent = 0
    for competition in _revealed_recently(now=now):
        key = f"revealed:{competition.pk}"
        participants = (
            get_user_model()
            .objects.filter(
                memberships__competition=competition,
                memberships__team__is_baseline=False,
                arena_profile__notify_results_revealed=True,
            )
            .distinct()
        )
        sent += notices_send_once(
            users=participants,
            kind="notify_results_revealed",
            key=key,
            template="results_revealed",
            context={
                "competition": competition,
                "link": site_url(reverse("competitions:detail", args=[competition.slug])),
            },
        )
    return sent
