"""How to cite a task version: plain text and BibTeX, from what the database holds.

Pure formatting: the caller passes the task, the version and the checksums it may show, so no
answer key's checksum reaches a citation before the answers are published.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from arena.competitions.models import Task

# BibTeX reads these as commands or grouping; a title with one would break the entry.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str


def sha256sums(files: list[dict]) -> str:
    """The files' checksums in the layout of ``sha256sum``, so ``sha256sum -c`` checks a
    download (the files named as in the everything zip)."""
    return "".join(f"{item['sha256']}  {item['name']}\n" for item in files)


def task_citation(
    *, task: Task, number: int, created_at: datetime, url: str, files: list[dict]
) -> Citation:
    """A reference to version ``number`` of ``task`` at ``url``: title, competition, version
    and its date, licence and source as the task states them, and each file's SHA-256."""
    competition = task.competition
    date = f"{created_at:%Y-%m-%d}"
    sums = [f"{item['name']} sha256:{item['sha256']}" for item in files]
    lines = [
        f"{task.title}, version {number} ({date}). Task of {competition.title}, Arena.",
        url,
    ]
    if task.licence:
        lines.append(f"Licence: {task.licence}.")
    if task.source:
        lines.append(f"Source: {task.source}.")
    if sums:
        lines.append("SHA-256 of its files:")
        lines.extend(f"  {item}" for item in sums)
    else:
        lines.append("SHA-256 of its files: not recorded for this version.")
    fields = {
        "title": "{" + _bibtex(f"{task.title} (version {number})") + "}",
        "author": "{" + _bibtex(f"{competition.title} organizers") + "}",
        "howpublished": r"{\url{" + url + "}}",
        "year": f"{created_at:%Y}",
        "month": f"{created_at:%b}".lower(),
        "note": "{"
        + _bibtex(
            " ".join(
                part
                for part in (
                    f"Task {task.slug} of the competition {competition.title}, version {number}"
                    f" of {date}.",
                    f"Licence: {task.licence}." if task.licence else "",
                    f"Source: {task.source}." if task.source else "",
                    ("SHA-256: " + "; ".join(sums) + ".") if sums else "",
                )
                if part
            )
        )
        + "}",
    }
    key = re.sub(r"[^A-Za-z0-9-]", "-", f"arena-{competition.slug}-{task.slug}-v{number}")
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return Citation(text="\n".join(lines), bibtex=f"@misc{{{key},\n{body}\n}}")


def _bibtex(value: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in value)
