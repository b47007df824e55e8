"""Markdown written by organizers: rendered, then sanitized with nh3 before any page shows it.

``markup_removed`` tells a writer beforehand what sanitizing would take out that could run code
(a script, an event handler, a ``javascript:`` link), so a form can refuse it in words rather
than publish a text that silently lost a part."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3

EXTENSIONS = ["tables", "fenced_code"]
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "srcset"}


def markdown_html(text: str) -> str:
    """The HTML of ``text`` as Markdown, NOT sanitized: pass it through ``markdown_safe``."""
    return markdown_lib.markdown(text or "", extensions=EXTENSIONS)


def markdown_safe(text: str) -> str:
    """The HTML of ``text`` as Markdown, sanitized: no scripts, handlers or unsafe links."""
    return nh3.clean(markdown_html(text))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def _note(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    def handle_starttag(self, tag, attrs):
        if tag not in nh3.ALLOWED_TAGS:
            self._note(f"<{tag}>")
        for name, value in attrs:
            # Attributes like class or style are dropped quietly: they change looks, not safety.
            if name.startswith("on"):
                self._note(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in nh3.ALLOWED_URL_SCHEMES:
                    self._note(f"a {scheme}: link")


def markup_removed(text: str) -> list[str]:
    """What sanitizing would take out of ``text``'s HTML that matters (tags nh3 does not allow,
    event handlers, links of unsafe schemes), named for a message; [] when nothing. Code in
    backticks or a fenced block is text, not HTML, so it is never listed."""
    scanner = _Scanner()
    scanner.feed(markdown_html(text))
    scanner.close()
    return scanner.found
