"""Where webhooks may point: public addresses only, including the IPv4 address hidden inside
an IPv6 one (mapped, IPv4-compatible, NAT64, 6to4, Teredo). That the address actually dialled
is checked is in tests/services/test_webhook_dialling.py."""

from __future__ import annotations

import pytest

from bots.webhooks.targets import PrivateTarget, check_address

REFUSED = [
    "127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "0.0.0.0", "100.64.0.1",
    "::1", "fe80::1%eth0", "fd00::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1", "::10.0.0.1", "::169.254.169.254",  # IPv4-compatible
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe",  # NAT64 (well-known prefix)
    "64:ff9b:1::808:808",  # NAT64 local-use prefix
    "2002:7f00:1::", "2002:c0a8:1::1", "2002:a9fe:a9fe::1",  # 6to4
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo, public client
    "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1", "::ffff:224.0.0.1",  # multicast
    "240.0.0.1", "255.255.255.255", "::",  # reserved, broadcast, unspecified
]

ALLOWED = [
    "8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "2606:4700:4700::1111",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(PrivateTarget, match="non-public address"):
        check_address("hooks.example.org", address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    check_address("hooks.example.org", address)
