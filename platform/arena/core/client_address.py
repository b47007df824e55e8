"""The address of the client that sent a request, for throttles and records.

Behind reverse proxies, ``REMOTE_ADDR`` is the nearest proxy's address, shared by every client.
Each proxy appends the address it received the connection from to ``X-Forwarded-For``, so with
``TRUSTED_PROXY_COUNT = N`` proxies in front of the site, the N-th entry from the right was
written by the outermost one of ours and is the client's address; anything to its left was sent
by the client and may be forged. With 0 (the default: the site is reached directly) the header is
never read. Only count proxies that every request passes through: with a count too high, a client
chooses its own address.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address as text, or the connecting peer's when no trusted proxy named it."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < count:
        # Fewer entries than proxies: the request skipped a proxy (or came straight to the
        # server), so none of the entries is known to come from one of ours.
        return peer
    return _ip(hops[-count]) or peer


def client_network(address: str) -> str:
    """What a throttle counts for an address: the address itself for IPv4, its /64 network for
    IPv6 (one line or server usually holds a whole /64, so counting single IPv6 addresses would
    let one client take a fresh address for every attempt)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # "::ffff:203.0.113.7" is that IPv4 client
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _ip(value: str) -> str | None:
    # Proxies write "203.0.113.7", some add a port ("203.0.113.7:4711", "[2001:db8::1]:4711").
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
