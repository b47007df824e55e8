#!/usr/bin/env python
"""Django's command-line utility for Arena. Puts platform/ (a source root) on sys.path."""

import os
import sys
from pathlib import Path


def main() -> None:
    repo_root = Path(__file__).resolve().parent
    sys.path.insert(0, str(repo_root / "platform"))
    sys.path.insert(1, str(repo_root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
