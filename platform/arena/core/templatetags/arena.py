from django import template
from django.utils.safestring import mark_safe

from arena.core.markdown import markdown_safe

register = template.Library()


@register.filter(name="markdown")
def render_markdown(text: str) -> str:
    """Organizer-written markdown, rendered and then sanitized (no scripts, no raw HTML tricks)."""
    return mark_safe(markdown_safe(text))  # noqa: S308 - sanitized by nh3 (core/markdown.py)


@register.filter
def score(value) -> str:
    """Scores are shown with four decimals everywhere, so columns line up and compare."""
    if value is None:
        return "—"
    return f"{value:.4f}"


@register.filter
def filesize(num_bytes: int) -> str:
    size = float(num_bytes or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@register.filter
def percent(value) -> str:
    """A share in [0, 1] as a percentage with one decimal."""
    if value is None:
        return "—"
    return f"{100 * float(value):.1f}%"


@register.filter
def bar_width(value, largest) -> str:
    """Bar length in percent of the largest bar, so the longest bar fills the row."""
    try:
        return f"{100 * float(value) / float(largest):.1f}" if float(largest) else "0"
    except (TypeError, ValueError):
        return "0"


@register.filter
def intcomma_plain(value) -> str:
    """Thousands separated by commas, independent of the locale."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def sub(value, other):
    """``value - other`` for integers (rank differences)."""
    try:
        return int(value) - int(other)
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


UPLOAD_LIMIT_SETTINGS = {"submission": "SUBMISSION_MAX_BYTES", "bundle": "BUNDLE_UPLOAD_MAX_BYTES"}


@register.simple_tag
def upload_limit_bytes(kind: str) -> int:
    """The largest file an upload form takes, so the page can refuse a bigger one before sending."""
    from django.conf import settings

    return getattr(settings, UPLOAD_LIMIT_SETTINGS[kind])
