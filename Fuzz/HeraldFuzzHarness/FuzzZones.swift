import DNSAuthority
import DNSCore

/// The fixed snapshot the fuzzer answers from: three small zones that reach every branch of
/// the responder — data of each supported type, a large TXT RRset (truncation, C29), CNAME
/// chains inside and out of the zones, a CNAME loop, empty non-terminals (C34), a 3-string
/// TXT (C30), and an SPF macro-mode address set (RFC 7208 §5.7).
public enum FuzzZones {
    /// The snapshot, compiled once per process.
    public static let snapshot: ZoneSnapshot = {
        do {
            return try ZoneSnapshot(zones: [exampleCom(), hosted(), reports()], generation: 1)
        } catch {
            fatalError("fuzz zones do not compile: \(error)")
        }
    }()

    /// The two responders every input goes through: the defaults, and the other ANY policy
    /// with CHAOS texts and a larger UDP limit.
    public static let responders: [Responder] = [
        Responder(),
        Responder(configuration: ResponderConfiguration(
            maxUDPPayload: 1400, anyPolicy: .hinfo(ttl: 3600), chaosVersion: "herald fuzz",
            chaosIdentity: "fuzz-1", maxCNAMEChain: 3)),
    ]

    private static func name(_ text: String) throws -> DNSName { try DNSName(text) }

    private static func soa(_ origin: String, serial: UInt32, minimum: UInt32) throws -> ResourceRecord {
        ResourceRecord(name: try name(origin), ttl: 3600, rdata: .soa(SOAData(
            mname: try name("ns1." + origin), rname: try name("hostmaster." + origin), serial: serial,
            refresh: 7200, retry: 3600, expire: 1_209_600, minimum: minimum)))
    }

    private static func exampleCom() throws -> Zone {
        let apex = try name("example.com")
        var records: [ResourceRecord] = [
            try soa("example.com", serial: 1, minimum: 300),
            ResourceRecord(name: apex, ttl: 3600, rdata: .ns(try name("ns1.example.com"))),
            ResourceRecord(name: try name("ns1.example.com"), ttl: 3600, rdata: .a(192, 0, 2, 53)),
            ResourceRecord(name: apex, ttl: 300, rdata: .mx(preference: 10, exchange: try name("mail.example.com"))),
            ResourceRecord(name: apex, ttl: 300, rdata: .txt(splitting: "v=spf1 ip4:192.0.2.0/24 include:_spf.hosted.example.net ~all")),
            ResourceRecord(name: try name("_dmarc.example.com"), ttl: 300, rdata: .txt(splitting: "v=DMARC1; p=none; rua=mailto:agg@reports.example.net")),
            ResourceRecord(name: try name("_smtp._tls.example.com"), ttl: 300, rdata: .txt(splitting: "v=TLSRPTv1; rua=mailto:tls@example.com")),
            ResourceRecord(name: try name("_mta-sts.example.com"), ttl: 300, rdata: .txt(splitting: "v=STSv1; id=20260115T103000Z")),
            ResourceRecord(name: try name("www.example.com"), ttl: 300, rdata: .a(192, 0, 2, 80)),
            ResourceRecord(name: try name("www.example.com"), ttl: 300, rdata: .aaaa(0x2001_0DB8 << 96 | 0x80)),
            ResourceRecord(name: try name("mail.example.com"), ttl: 300, rdata: .a(192, 0, 2, 25)),
            ResourceRecord(name: try name("alias.example.com"), ttl: 300, rdata: .cname(try name("www.example.com"))),
            ResourceRecord(name: try name("chain1.example.com"), ttl: 300, rdata: .cname(try name("alias.example.com"))),
            ResourceRecord(name: try name("policy.example.com"), ttl: 300, rdata: .cname(try name("example.com._dmarc.hosted.example.net"))),
            ResourceRecord(name: try name("outside.example.com"), ttl: 300, rdata: .cname(try name("somewhere.example.org"))),
            ResourceRecord(name: try name("dangling.example.com"), ttl: 300, rdata: .cname(try name("missing.example.com"))),
            ResourceRecord(name: try name("loop1.example.com"), ttl: 300, rdata: .cname(try name("loop2.example.com"))),
            ResourceRecord(name: try name("loop2.example.com"), ttl: 300, rdata: .cname(try name("loop1.example.com"))),
            ResourceRecord(name: try name("sel._domainkey.example.com"), ttl: 300,
                           rdata: .txt(splitting: String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", count: 14))),
            ResourceRecord(name: try name("opaque.example.com"), ttl: 300, rdata: .unknown(type: RRType(65280), bytes: [1, 2, 3])),
            ResourceRecord(name: try name("ptr.example.com"), ttl: 300, rdata: .ptr(try name("www.example.com"))),
        ]
        // C29: about 2.3 KB of TXT at one name, more than a UDP answer holds.
        for index in 0..<20 {
            records.append(ResourceRecord(name: try name("big.example.com"), ttl: 300,
                                          rdata: .txt(splitting: "token-\(index)-" + String(repeating: "x", count: 92))))
        }
        return try ZoneCompiler.compile(origin: apex, records: records)
    }

    private static func hosted() throws -> Zone {
        let apex = try name("hosted.example.net")
        let records: [ResourceRecord] = [
            try soa("hosted.example.net", serial: 2_026_011_501, minimum: 600),
            ResourceRecord(name: apex, ttl: 3600, rdata: .ns(try name("ns1.hosted.example.net"))),
            ResourceRecord(name: apex, ttl: 3600, rdata: .ns(try name("ns2.hosted.example.net"))),
            ResourceRecord(name: try name("example.com._dmarc.hosted.example.net"), ttl: 300,
                           rdata: .txt(splitting: "v=DMARC1; p=quarantine; rua=mailto:agg@hosted.example.net")),
            ResourceRecord(name: try name("example.com._spf.hosted.example.net"), ttl: 300,
                           rdata: .txt(splitting: "v=spf1 exists:%{i}._ip.example.com._spf.hosted.example.net ~all")),
            ResourceRecord(name: try name("mta-sts.hosted.example.net"), ttl: 300, rdata: .a(192, 0, 2, 10)),
        ]
        // Macro mode: 192.0.2.0/24, 198.51.100.10–20 and 2001:db8::/32 pass.
        let table = AddressRangeTable(
            v4: [0xC000_0200...0xC000_02FF, 0xC633_640A...0xC633_6414],
            v6: [UInt128(0x2001_0DB8) << 96 ... (UInt128(0x2001_0DB8) << 96 | (UInt128(1) << 96 - 1))])
        return try ZoneCompiler.compile(origin: apex, records: records,
                                        addressSets: [try name("_ip.example.com._spf.hosted.example.net"): table])
    }

    private static func reports() throws -> Zone {
        let apex = try name("reports.example.net")
        return try ZoneCompiler.compile(origin: apex, records: [
            try soa("reports.example.net", serial: 7, minimum: 300),
            ResourceRecord(name: apex, ttl: 3600, rdata: .ns(try name("ns1.hosted.example.net"))),
            ResourceRecord(name: try name("example.com._report._dmarc.reports.example.net"), ttl: 300, rdata: .txt(splitting: "v=DMARC1;")),
        ])
    }
}
