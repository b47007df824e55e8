"""core.client_address: the client's address behind exactly TRUSTED_PROXY_COUNT proxies."""

import pytest
from django.test import RequestFactory, override_settings

from arena.core.client_address import client_address, client_network


def request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_the_header_is_never_read():
    assert client_address(request(forwarded="203.0.113.7")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own entry is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, " 203.0.113.7 ", "203.0.113.7"),
        (1, "203.0.113.7:4711", "203.0.113.7"),
        (1, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, "2001:DB8::1", "2001:db8::1"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies: a proxy was skipped
        (1, "", "10.0.0.2"),
        (1, "unknown", "10.0.0.2"),
    ],
)
def test_the_nth_entry_from_the_right(count, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_address(request(forwarded=forwarded)) == expected


def test_without_the_header_the_peer_is_the_client():
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(request()) == "10.0.0.2"


def test_ipv6_clients_are_counted_by_their_64_network():
    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:bbbb::9")
    assert client_network("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:3::1") != client_network("2001:db8:1:2::1")
    assert client_network("203.0.113.7") == "203.0.113.7"
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_network("") == ""
