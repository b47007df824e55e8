"""Entry point of the `arena` command (filled in by the CLI work)."""

import sys


def main(argv: list[str] | None = None) -> int:
    print("arena: not implemented yet", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
