#!/usr/bin/env python3
"""Writes the seed corpus of herald-fuzz into Fuzz/corpus/ (one query message per file).

Real queries against the fuzz zones (Fuzz/HeraldFuzzHarness/FuzzZones.swift) and the malformed
messages of field cases C27, C36 and C39 (shared/cases/field-cases.md). Built byte by byte
from RFC 1035 §4.1 so the seeds do not depend on Herald's own encoder. Re-run after editing;
the files are committed.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

A, NS, CNAME, SOA, PTR, HINFO, MX, TXT, AAAA, OPT, AXFR, IXFR, ANY = 1, 2, 5, 6, 12, 13, 15, 16, 28, 41, 252, 251, 255
IN, CH, HS = 1, 3, 4


def name(text):
    out = b""
    for label in text.split("."):
        if label:
            raw = label.encode()
            out += bytes([len(raw)]) + raw
    return out + b"\x00"


def header(qid=0x1234, flags=0x0000, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def opt(payload=1232, ext_rcode=0, version=0, do=False, options=b""):
    flags = 0x8000 if do else 0
    return b"\x00" + struct.pack(">HHBBHH", OPT, payload, ext_rcode, version, flags, len(options)) + options


def option(code, data):
    return struct.pack(">HH", code, len(data)) + data


def query(qname, qtype, qclass=IN, flags=0x0000, edns=None, qid=0x1234):
    body = header(qid, flags, 1, 0, 0, 1 if edns is not None else 0) + name(qname) + struct.pack(">HH", qtype, qclass)
    return body + (edns if edns is not None else b"")


def hexbytes(text):
    return bytes.fromhex(text.replace(" ", ""))


seeds = {
    # Ordinary queries, with and without EDNS and DO.
    "a-www": query("www.example.com", A),
    "a-www-edns": query("www.example.com", A, edns=opt()),
    "aaaa-www-rd": query("WWW.Example.COM", AAAA, flags=0x0100),
    "txt-dmarc-do": query("_dmarc.example.com", TXT, edns=opt(do=True)),
    "txt-hosted-dmarc": query("example.com._dmarc.hosted.example.net", TXT, edns=opt(4096)),
    "txt-spf-apex": query("example.com", TXT),
    "txt-big-noedns": query("big.example.com", TXT),
    "txt-big-1232": query("big.example.com", TXT, edns=opt(1232)),
    "txt-big-bufsize100": query("big.example.com", TXT, edns=opt(100)),
    "txt-dkim-long": query("sel._domainkey.example.com", TXT, edns=opt()),
    "mx-apex": query("example.com", MX, edns=opt()),
    "soa-apex": query("example.com", SOA),
    "ns-hosted": query("hosted.example.net", NS, edns=opt()),
    "any-apex": query("example.com", ANY, edns=opt()),
    "any-www-noedns": query("www.example.com", ANY),
    "cname-alias": query("alias.example.com", A),
    "cname-chain": query("chain1.example.com", AAAA, edns=opt()),
    "cname-cross-zone": query("policy.example.com", TXT),
    "cname-outside": query("outside.example.com", A),
    "cname-dangling": query("dangling.example.com", A),
    "cname-loop": query("loop1.example.com", A),
    "nxdomain": query("nope.example.com", TXT, edns=opt()),
    "nodata": query("_dmarc.example.com", AAAA),
    "ent-tls": query("_tls.example.com", TXT),
    "ent-report": query("_report._dmarc.reports.example.net", A),
    "refused-outside": query("www.example.org", A, flags=0x0100),
    "unknown-type": query("example.com", 65280),
    "opaque-type": query("opaque.example.com", 65280, edns=opt()),
    "ptr": query("ptr.example.com", PTR),
    "axfr": query("example.com", AXFR),
    "ixfr": query("example.com", IXFR),
    "class-any": query("www.example.com", A, qclass=255),
    "class-hs": query("www.example.com", A, qclass=HS),
    "cookie-option": query("www.example.com", A, edns=opt(options=option(10, bytes(range(8))))),
    "ecs-option": query("www.example.com", A, edns=opt(options=option(8, hexbytes("0001 18 00 c0 00 02")))),
    # SPF macro mode: exists:%{i}._ip.example.com._spf.hosted.example.net (RFC 7208 §7.3).
    "macro-v4-member": query("192.0.2.7._ip.example.com._spf.hosted.example.net", A),
    "macro-v4-miss": query("203.0.113.9._ip.example.com._spf.hosted.example.net", A, edns=opt()),
    "macro-v4-partial": query("192.0._ip.example.com._spf.hosted.example.net", A),
    "macro-v6-member": query(".".join("20010db8" + "0" * 23 + "1") + "._ip.example.com._spf.hosted.example.net", A),
    "macro-apex-txt": query("_ip.example.com._spf.hosted.example.net", TXT),
    # CHAOS.
    "chaos-version-bind": query("version.bind", TXT, qclass=CH),
    "chaos-id-server": query("id.server", TXT, qclass=CH, edns=opt()),
    "chaos-hostname-any": query("hostname.bind", ANY, qclass=CH),
    # Other opcodes (C36 c, d).
    "update-c36c": header(0xABCD, 0x2800, 1, 0, 0, 0) + name("example.com") + struct.pack(">HH", SOA, IN),
    "notify": header(0x4242, 0x2400, 1, 0, 0, 0) + name("example.com") + struct.pack(">HH", SOA, IN),
    "notify-with-soa": header(0x4243, 0x2400, 1, 1, 0, 0) + name("example.com") + struct.pack(">HH", SOA, IN)
        + hexbytes("c00c 0006 0001 00000e10 0016") + b"\x00\x00" + struct.pack(">IIIII", 2, 7200, 3600, 1209600, 300),
    "opcode15-c36d": header(0x1111, 0x7F90 | 0x0200 | 0x0400 | 0x0080 | 0x0040 | 0x0020 | 0x0010, 0, 0, 0, 0),
    "iquery": header(0x2222, 0x0800, 1) + name("example.com") + struct.pack(">HH", A, IN),
    # Header oddities (C36 a, b, e).
    "qdcount0-c36a": hexbytes("ab cd 00 00 00 00 00 00 00 00 00 00"),
    "qdcount0-cookie": header(0xABCE, 0, 0, 0, 0, 1) + opt(options=option(10, bytes(range(8)))),
    "qdcount2-c36b": header(0x1234, 0, 2) + name("www.example.com") + struct.pack(">HH", A, IN)
        + name("example.com") + struct.pack(">HH", MX, IN),
    "qr-set-c36e": header(0x1234, 0x8000) + name("www.example.com") + struct.pack(">HH", A, IN),
    "short-header": hexbytes("12 34 00 00 00 01"),
    # EDNS version ≠ 0 (C27): version 1, and version 100 with an unknown option.
    "badvers-v1-c27": query("example.com", SOA, edns=opt(1232, 0, 1)),
    "badvers-v100-opt-c27": query("example.com", SOA, edns=opt(1232, 0, 100, options=option(100, b""))),
    "two-opts": header(0x1234, 0, 1, 0, 0, 2) + name("example.com") + struct.pack(">HH", A, IN) + opt() + opt(),
    "opt-not-root": header(0x1234, 0, 1, 0, 0, 1) + name("example.com") + struct.pack(">HH", A, IN)
        + name("x") + struct.pack(">HHBBHH", OPT, 1232, 0, 0, 0, 0),
    "opt-option-overrun": header(0x1234, 0, 1, 0, 0, 1) + name("example.com") + struct.pack(">HH", A, IN)
        + b"\x00" + struct.pack(">HHBBHH", OPT, 1232, 0, 0, 0, 6) + struct.pack(">HH", 10, 40) + b"\x01\x02",
    # Malformed names (C39 a–f).
    "c39a-self-pointer": hexbytes("12 34 00 00 00 01 00 00 00 00 00 00 c0 0c 00 10 00 01"),
    "c39b-pointer-beyond": hexbytes("12 34 00 00 00 01 00 00 00 00 00 00 c0 ff 00 10 00 01"),
    "c39c-lone-c0": hexbytes("12 34 00 00 00 01 00 00 00 00 00 00 07") + b"example" + b"\xc0",
    "c39d-label-64": header() + b"\x40" + b"a" * 64 + b"\x00" + struct.pack(">HH", A, IN),
    "c39d-label-type-80": header() + b"\x80\x01a\x00" + struct.pack(">HH", A, IN),
    "c39e-name-256": header() + (b"\x3f" + b"a" * 63) * 4 + b"\x00" + struct.pack(">HH", A, IN),
    "c39f-pointer-chain": header(0x1234, 0, 1, 0, 0, 2) + name("example.com") + struct.pack(">HH", A, IN)
        + b"\x03www\xc0\x0c" + struct.pack(">HHIH", TXT, IN, 0, 2) + b"\x01x"
        + b"\xc0\x1d" + struct.pack(">HHIH", TXT, IN, 0, 2) + b"\x01y",
    "forward-pointer-additional": header(0x1234, 0, 1, 0, 0, 1) + name("example.com") + struct.pack(">HH", A, IN)
        + b"\xc0\x40" + struct.pack(">HHIH", A, IN, 0, 4) + b"\x01\x02\x03\x04",
    "truncated-question": header() + name("www.example.com") + b"\x00",
    "trailing-garbage": query("www.example.com", A) + b"\xde\xad\xbe\xef",
    "counts-lie": header(0x1234, 0, 1, 5, 5, 5) + name("www.example.com") + struct.pack(">HH", A, IN),
    "empty": b"",
}

os.makedirs(OUT, exist_ok=True)
for stem, data in sorted(seeds.items()):
    with open(os.path.join(OUT, stem + ".bin"), "wb") as f:
        f.write(data)
print(f"wrote {len(seeds)} seeds to {OUT}")
