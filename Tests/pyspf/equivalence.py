#!/usr/bin/env python3
"""pyspf equivalence: check_host() on Herald's flattened record equals check_host() on the original.

Input: a JSON manifest (argv[1]):
  {"dns": "127.0.0.1:PORT",          # Herald's authoritative responder (real UDP, TCP on TC)
   "hosted_zone": "hosted.example.net",
   "snapshot": "path/to/esp-snapshot.zone",
   "cases": [{"sender": "google-workspace", "entry": "_spf.google.com",
              "hosted": "t1.test._spf.hosted.example.net"}, ...],
   "samples_per_case": 400, "seed": 7}

The original trees are answered from the snapshot zone file (a fixture resolver, parsed by
dnspython); names under the hosted zone are asked of Herald over the wire. For every case and
every sampled address (network edges ±1 and random addresses inside and outside every range of
the snapshot), pass(original) must equal pass(flattened), and the flattened record must never
give permerror or temperror. Prints one line per mismatch and a closing summary; exit 1 on any.
"""
import ipaddress
import json
import random
import sys

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.zone
import spf

manifest = json.load(open(sys.argv[1]))
host, port = manifest["dns"].rsplit(":", 1)
port = int(port)
hosted = dns.name.from_text(manifest["hosted_zone"])
zone = dns.zone.from_file(manifest["snapshot"], origin=dns.name.root, relativize=False, check_origin=False)
cache = {}
wire_queries = 0


def ask_herald(name, qtype):
    global wire_queries
    q = dns.message.make_query(name, qtype)
    q.flags &= ~dns.flags.RD
    wire_queries += 1
    r = dns.query.udp(q, host, port=port, timeout=3)
    if r.flags & dns.flags.TC:
        r = dns.query.tcp(q, host, port=port, timeout=3)
    if not (r.flags & dns.flags.AA):
        raise spf.TempError("Herald answered without AA for %s" % name)
    if r.rcode() == dns.rcode.NXDOMAIN:
        return []
    if r.rcode() != dns.rcode.NOERROR:
        raise spf.TempError("Herald rcode %s for %s" % (dns.rcode.to_text(r.rcode()), name))
    out = []
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.from_text(qtype):
            out.extend(rrset)
    return out


def from_snapshot(name, qtype):
    node = zone.get_node(dns.name.from_text(name))
    if node is None:
        return []
    rds = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.from_text(qtype))
    return list(rds) if rds else []


def lookup(name, qtype, tcpfallback=True, timeout=30):
    key = (name.lower().rstrip("."), qtype)
    if key not in cache:
        qname = dns.name.from_text(key[0])
        rdatas = ask_herald(qname, qtype) if qname.is_subdomain(hosted) else from_snapshot(key[0], qtype)
        ret = []
        for rd in rdatas:
            if qtype in ("A", "AAAA"):
                ret.append(((name, qtype), rd.address))
            elif qtype == "MX":
                ret.append(((name, qtype), (rd.preference, rd.exchange)))
            elif qtype == "TXT":
                ret.append(((name, qtype), list(rd.strings)))
        cache[key] = ret
    return cache[key]


spf.DNSLookup = lookup

# Every network mentioned anywhere in the snapshot, for edge sampling.
networks = []
for name, node in zone.nodes.items():
    for rds in node.rdatasets:
        for rd in rds:
            if rds.rdtype == dns.rdatatype.TXT:
                for term in b"".join(rd.strings).decode().split():
                    t = term.lstrip("+-~?")
                    if t.startswith("ip4:") or t.startswith("ip6:"):
                        networks.append(ipaddress.ip_network(t[4:], strict=False))
            elif rds.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                networks.append(ipaddress.ip_network(rd.address))
                networks.append(ipaddress.ip_network(rd.address + ("/28" if rds.rdtype == dns.rdatatype.A else "/64"), strict=False))

rng = random.Random(manifest.get("seed", 7))


def samples():
    out = set()
    for net in networks:
        first, last = int(net.network_address), int(net.broadcast_address)
        top = (1 << net.max_prefixlen) - 1
        cls = ipaddress.IPv4Address if net.version == 4 else ipaddress.IPv6Address
        for v in (first - 1, first, (first + last) // 2, last, last + 1, rng.randint(first, last)):
            if 0 <= v <= top:
                out.add(cls(v))
    for _ in range(manifest.get("samples_per_case", 400)):
        out.add(ipaddress.IPv4Address(rng.getrandbits(32)))
        out.add(ipaddress.IPv6Address((0x2 << 124) | rng.getrandbits(124)))
    return sorted(out, key=lambda a: (a.version, int(a)))


addresses = samples()
checked = mismatches = 0
for case in manifest["cases"]:
    passes = 0
    for addr in addresses:
        ip = str(addr)
        orig = spf.query(i=ip, s="postmaster@" + case["entry"], h="mx.example").check()[0]
        f = spf.query(i=ip, s="postmaster@" + case["hosted"], h="mx.example").check()[0]
        checked += 1
        bad = (orig == "pass") != (f == "pass") or f in ("permerror", "temperror")
        if orig == "pass":
            passes += 1
        if bad:
            mismatches += 1
            if mismatches <= 50:
                print("MISMATCH %s %s: original(%s)=%s flattened(%s)=%s" % (case["sender"], ip, case["entry"], orig, case["hosted"], f))
    print("case %-18s %5d addresses, %5d pass" % (case["sender"], len(addresses), passes))

print("pyspf equivalence: %d checks over %d cases, %d Herald wire queries" % (checked, len(manifest["cases"]), wire_queries))
print("%d passed, %d failed" % (checked - mismatches, mismatches))
sys.exit(1 if mismatches else 0)
