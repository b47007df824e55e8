"""The `arena` command-line client: talks to an Arena site's REST API (no Django needed)."""
