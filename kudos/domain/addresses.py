"""Which network addresses the server may connect to on someone's behalf (watch sources'
feeds; outgoing webhooks): public ones only. One function, shared by every outgoing request
whose destination a person typed, so that a form an address can take to reach inside the
network is refused everywhere at once."""

import ipaddress
from ipaddress import IPv4Address, IPv6Address

# IPv6 ranges that carry an IPv4 address in their last 32 bits (or elsewhere, for 6to4 and
# Teredo, read through `ipaddress`): the IPv4 address is what a connection may reach.
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a site's own translator
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291, deprecated: ::a.b.c.d
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 (SIIT): ::ffff:0:a.b.c.d


def _embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for, when it is a transition form."""
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)  # (server, client)
    if any(address in network for network in (_NAT64_WELL_KNOWN, _IPV4_COMPATIBLE,
                                              _IPV4_TRANSLATED)):
        found.append(IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public_address(address: str | IPv4Address | IPv6Address) -> bool:
    """True when `address` is one a public service may have: not private, loopback,
    link-local (cloud metadata), multicast, reserved, unspecified, nor site-local; and, for
    IPv6 forms that embed an IPv4 address (`::ffff:127.0.0.1`, `::127.0.0.1`,
    `64:ff9b::7f00:1`, `2002:7f00:1::`, Teredo), neither is the IPv4 address inside.
    Python's `is_global` alone says True for `::/96`, `64:ff9b::/96`, `2002::/16` and
    `fec0::/10`, whatever they carry. A zone (`fe80::1%eth0`) is ignored."""
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return False
    if isinstance(address, IPv6Address):
        if address.is_site_local or address in _NAT64_LOCAL:
            return False
        embedded = _embedded_ipv4(address)
        if embedded:
            return all(is_public_address(inner) for inner in embedded)
    return address.is_global and not address.is_multicast
