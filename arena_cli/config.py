"""Where the CLI finds the site and the token: ARENA_URL and ARENA_TOKEN, or a config file
(~/.config/arena/config.json, written by `arena configure`; $ARENA_CONFIG overrides the path)."""

import json
import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    url: str
    token: str


def config_path() -> Path:
    if os.environ.get("ARENA_CONFIG"):
        return Path(os.environ["ARENA_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "arena" / "config.json"


def load_config() -> Config:
    stored = {}
    path = config_path()
    if path.is_file():
        try:
            stored = json.loads(path.read_text())
        except ValueError:
            raise ConfigError(f"{path} is not valid JSON; run `arena configure` again.") from None
    url = os.environ.get("ARENA_URL") or stored.get("url")
    token = os.environ.get("ARENA_TOKEN") or stored.get("token")
    if not url or not token:
        raise ConfigError(
            "Arena does not know where to connect. Run `arena configure --url URL --token TOKEN` "
            "or set ARENA_URL and ARENA_TOKEN (create a token on the site's API tokens page)."
        )
    return Config(url=url.rstrip("/"), token=token)


def save_config(*, url: str, token: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # The token is a password: the file is readable by its owner only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"url": url.rstrip("/"), "token": token}, handle)
    return path
