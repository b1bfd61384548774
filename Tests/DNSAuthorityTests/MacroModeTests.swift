import Testing
import DNSCore
@testable import DNSAuthority

/// SPF macro mode in the responder: `exists:%{i}._ip.D._spf.H` answered from an address table
/// (RFC 7208 §5.7, §7.3; RFC 8020; RFC 9156; RECORDS.md "Macro mode").
@Suite struct MacroModeTests {
    static let origin = "hosted.example.net"
    static let apex = "_ip.example.com._spf.hosted.example.net"
    static let otherApex = "_ip.example.co.uk._spf.hosted.example.net"

    static let zoneText = """
    hosted.example.net. 3600 SOA ns1.hosted.example.net. hostmaster.hosted.example.net. 2026011501 7200 3600 1209600 600
    hosted.example.net. 3600 NS ns1.hosted.example.net.
    example.com._spf.hosted.example.net. 300 TXT "v=spf1 exists:%{i}._ip.example.com._spf.hosted.example.net ~all"
    example.com._dmarc.hosted.example.net. 300 TXT "v=DMARC1; p=none"
    """

    static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { a << 24 | b << 16 | c << 8 | d }

    /// example.com's pass set: 192.0.2.0/24 (with an overlapping range given too),
    /// 198.51.100.10–20, 1.2.3.4, 2001:db8::/32 and 2001:db9:ffff::1.
    static let exampleComTable = AddressRangeTable(
        v4: [v4(198, 51, 100, 10)...v4(198, 51, 100, 20), v4(192, 0, 2, 0)...v4(192, 0, 2, 255), v4(1, 2, 3, 4)...v4(1, 2, 3, 4),
             v4(192, 0, 2, 100)...v4(192, 0, 2, 110)],
        v6: [0x2001_0db8 << 96 ... (0x2001_0db8 << 96 | (UInt128(1) << 96 - 1)),
             (0x2001_0db9_ffff << 80 | 1)...(0x2001_0db9_ffff << 80 | 1)])
    /// example.co.uk's pass set (an apex with a different label count): 203.0.113.7 only.
    static let otherTable = AddressRangeTable(v4: [v4(203, 0, 113, 7)...v4(203, 0, 113, 7)], v6: [])

    static func zone(ttl: UInt32 = 300) throws -> Zone {
        try ZoneCompiler.compile(origin: DNSName(origin), records: ZoneText.records(zoneText),
                                 addressSets: [DNSName(apex): exampleComTable, DNSName(otherApex): otherTable],
                                 addressSetTTL: ttl)
    }

    static func snapshot(ttl: UInt32 = 300) throws -> ZoneSnapshot {
        try ZoneSnapshot(zones: [zone(ttl: ttl), ZoneText.zone("example.com", Fixtures.exampleCom)])
    }

    /// `%{i}` for IPv4: dotted quad, most significant first (RFC 7208 §7.3).
    static func labels(v4 address: UInt32) -> String {
        [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    /// `%{i}` for IPv6: 32 nibbles, most significant first (RFC 7208 §7.3).
    static func labels(v6 address: UInt128, uppercase: Bool = false) -> String {
        (0..<32).reversed().map { String(UInt8((address >> UInt128($0 * 4)) & 0xF), radix: 16, uppercase: uppercase) }
            .joined(separator: ".")
    }

    static func query(_ name: DNSName, _ type: RRType, edns: EDNS? = nil) -> [UInt8] {
        try! DNSMessage(header: DNSHeader(id: 0xBEEF), questions: [DNSQuestion(name: name, type: type)], edns: edns).encode()
    }

    /// Checks a positive member answer byte for byte and decoded.
    func expectMember(_ qname: String, _ type: RRType = .a, ttl: UInt32 = 300, snapshot: ZoneSnapshot,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let query = makeQuery(qname, type)
        let (bytes, response) = try #require(try ask(query, snapshot), sourceLocation: sourceLocation)
        #expect(response.rcode == 0, "\(qname)", sourceLocation: sourceLocation)
        #expect(response.header.authoritative && !response.header.truncated, sourceLocation: sourceLocation)
        #expect(response.answers == [ResourceRecord(name: try DNSName(qname), ttl: ttl, rdata: .a(0x7F00_0002))],
                "\(qname)", sourceLocation: sourceLocation)
        #expect(response.answers.first?.name.wire == (try DNSName(qname)).wire, "owner keeps the query's case",
                sourceLocation: sourceLocation)
        #expect(response.authority.isEmpty && response.additional.isEmpty, sourceLocation: sourceLocation)
        // The owner is a pointer to the question name; the whole record is 16 octets.
        #expect(Array(bytes[query.count..<(query.count + 2)]) == [0xC0, 0x0C], sourceLocation: sourceLocation)
        #expect(bytes.count == query.count + 16, sourceLocation: sourceLocation)
        #expect(Array(bytes[(bytes.count - 4)...]) == [127, 0, 0, 2], sourceLocation: sourceLocation)
    }

    /// Checks a negative answer: NXDOMAIN (rcode 3) or NODATA (rcode 0), SOA at TTL 600.
    func expectNegative(_ qname: String, _ type: RRType = .a, rcode: UInt16, snapshot: ZoneSnapshot,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (_, response) = try #require(try ask(makeQuery(qname, type), snapshot), sourceLocation: sourceLocation)
        #expect(response.rcode == rcode, "\(qname) \(type)", sourceLocation: sourceLocation)
        #expect(response.header.authoritative && !response.header.truncated, sourceLocation: sourceLocation)
        #expect(response.answers.isEmpty, "\(qname) \(type)", sourceLocation: sourceLocation)
        #expect(response.authority.count == 1, sourceLocation: sourceLocation)
        #expect(response.authority.first?.type == .soa, sourceLocation: sourceLocation)
        #expect(response.authority.first?.name.description == "hosted.example.net.", sourceLocation: sourceLocation)
        #expect(response.authority.first?.ttl == 600, sourceLocation: sourceLocation)
    }

    // MARK: IPv4

    @Test func ipv4HitAnswers127002WithCompressedOwner() throws {
        let snapshot = try Self.snapshot()
        try expectMember("192.0.2.10.\(Self.apex)", snapshot: snapshot)
        try expectMember("198.51.100.15.\(Self.apex)", snapshot: snapshot)
        try expectMember("203.0.113.7.\(Self.otherApex)", snapshot: snapshot)
    }

    @Test func ipv4RangeEdges() throws {
        let snapshot = try Self.snapshot()
        for hit in ["192.0.2.0", "192.0.2.255", "198.51.100.10", "198.51.100.20", "1.2.3.4"] {
            try expectMember("\(hit).\(Self.apex)", snapshot: snapshot)
        }
        for miss in ["192.0.1.255", "192.0.3.0", "198.51.100.9", "198.51.100.21", "10.0.0.0", "255.255.255.255", "203.0.113.7"] {
            try expectNegative("\(miss).\(Self.apex)", rcode: 3, snapshot: snapshot)
        }
        // Each set answers for itself only.
        try expectNegative("192.0.2.10.\(Self.otherApex)", rcode: 3, snapshot: snapshot)
    }

    @Test func answerTTLIsConfigurable() throws {
        try expectMember("192.0.2.1.\(Self.apex)", ttl: 60, snapshot: try Self.snapshot(ttl: 60))
        #expect(try Self.zone(ttl: 60).addressSetTTL == 60)
    }

    @Test func anyActsLikeAAndOtherTypesAreNoData() throws {
        let snapshot = try Self.snapshot()
        let name = "192.0.2.10.\(Self.apex)"
        try expectMember(name, .any, snapshot: snapshot)
        for type: RRType in [.aaaa, .txt, .mx, .cname, .soa, .ns, RRType(65280)] {
            try expectNegative(name, type, rcode: 0, snapshot: snapshot)
        }
        // The RFC 8482 HINFO policy does not hide the member answer.
        let hinfo = try #require(try ask(makeQuery(name, .any), snapshot,
                                         configuration: ResponderConfiguration(anyPolicy: .hinfo(ttl: 3600)))).message
        #expect(hinfo.answers.map(\.rdata) == [.a(0x7F00_0002)])
    }

    // MARK: IPv6

    @Test func ipv6HitAndMissWith32Nibbles() throws {
        let snapshot = try Self.snapshot()
        let base: UInt128 = 0x2001_0db8 << 96
        for hit: UInt128 in [base, base | 1, base | (UInt128(1) << 96 - 1), base | 0x1234_5678_9abc_def0, 0x2001_0db9_ffff << 80 | 1] {
            try expectMember("\(Self.labels(v6: hit)).\(Self.apex)", snapshot: snapshot)
        }
        for miss: UInt128 in [base - 1, base + (UInt128(1) << 96), UInt128(0), UInt128.max, 0x2001_0db9_ffff << 80,
                                     0x2001_0db9_ffff << 80 | 2] {
            try expectNegative("\(Self.labels(v6: miss)).\(Self.apex)", rcode: 3, snapshot: snapshot)
        }
        #expect(Self.labels(v6: base | 1).hasPrefix("2.0.0.1.0.d.b.8.0."))
        // Too many nibbles: NXDOMAIN.
        try expectNegative("0.\(Self.labels(v6: base | 1)).\(Self.apex)", rcode: 3, snapshot: snapshot)
    }

    @Test func matchingIsCaseInsensitive() throws {
        let snapshot = try Self.snapshot()
        let address: UInt128 = 0x2001_0db8_0000_0000_0000_0000_00ab_cdef
        try expectMember("\(Self.labels(v6: address, uppercase: true)).\(Self.apex.uppercased())", snapshot: snapshot)
        try expectMember("192.0.2.10._IP.Example.COM._Spf.Hosted.Example.Net", snapshot: snapshot)
        let mixed = Self.labels(v6: address).enumerated().map { $0.offset % 4 == 0 ? String($0.element).uppercased() : String($0.element) }.joined()
        try expectMember("\(mixed)._iP.example.com._SPF.hosted.example.net", snapshot: snapshot)
    }

    // MARK: Names that exist, names that don't

    @Test func partialNamesAndTheApexAreNoData() throws {
        let snapshot = try Self.snapshot()
        let v6 = Self.labels(v6: 0x2001_0db8 << 96 | 1).split(separator: ".")
        var partials = ["", "10.", "2.10.", "0.2.10.", "255.", "a.", "0.a.", "f.e.d.c.", "1.2.3.", "0.0.0.9.", "1.2.3.4.5.", "F.e.D.c.B."]
        // Every IPv6 suffix of 1…31 nibbles, as a QNAME-minimising resolver sends them (RFC 9156).
        partials += (1..<32).map { v6.suffix($0).joined(separator: ".") + "." }
        for partial in partials {
            for type: RRType in [.a, .txt, .aaaa, .any] {
                try expectNegative("\(partial)\(Self.apex)", type, rcode: 0, snapshot: snapshot)
            }
        }
        // Ancestors up to the zone apex exist too.
        try expectNegative("example.com._spf.hosted.example.net", .a, rcode: 0, snapshot: snapshot)
        try expectNegative("_spf.hosted.example.net", .txt, rcode: 0, snapshot: snapshot)
        try expectNegative("example.co.uk._spf.hosted.example.net", .txt, rcode: 0, snapshot: snapshot)
        try expectNegative("co.uk._spf.hosted.example.net", .txt, rcode: 0, snapshot: snapshot)
    }

    @Test func fourSingleDigitLabelsAreAlsoAnIPv6SuffixSoAMissIsNoData() throws {
        // `1.2.3.5` is IPv4 1.2.3.5 (not a member) and the last four nibbles of every IPv6
        // address ending in …:1235. NXDOMAIN would let an RFC 8020 resolver deny the IPv6
        // names below it, so it is NODATA; a member is still answered.
        let snapshot = try Self.snapshot()
        try expectNegative("1.2.3.5.\(Self.apex)", rcode: 0, snapshot: snapshot)
        try expectNegative("0.0.0.1.\(Self.apex)", rcode: 0, snapshot: snapshot)
        try expectNegative("0.0.0.0.\(Self.apex)", rcode: 0, snapshot: snapshot)
        try expectMember("1.2.3.4.\(Self.apex)", snapshot: snapshot)
        // The IPv6 name below it is still answered on its own merits.
        let v6 = Self.labels(v6: 0x2001_0db8 << 96 | 0x1235)
        #expect(v6.hasSuffix(".1.2.3.5"))
        try expectMember("\(v6).\(Self.apex)", snapshot: snapshot)
        // Multi-digit octets cannot be nibbles: a miss there is NXDOMAIN.
        try expectNegative("1.2.3.10.\(Self.apex)", rcode: 3, snapshot: snapshot)
    }

    @Test func badLabelsAndTooManyLabelsAreNXDomain() throws {
        let snapshot = try Self.snapshot()
        let bad = [
            "256.0.2.10", "192.0.2.256", "01.0.2.10", "192.0.2.01", "192.00.2.1", "g.0.2.10", "192.0.2.g",
            "1a.0.2.10", "-1.0.2.10", "1000.0.2.10", "192.0.2.10.1", "1.192.0.2.10", "256", "01", "g", "0.g",
            "10.a", "a.10", "ab", "_ip", "x.1.2.3.4", "1.2.3.4.10", "a.b.c.d.10", "A.b.C.10",
        ]
        for labels in bad {
            try expectNegative("\(labels).\(Self.apex)", rcode: 3, snapshot: snapshot)
        }
        // 33 nibbles.
        try expectNegative(Array(repeating: "0", count: 33).joined(separator: ".") + ".\(Self.apex)", rcode: 3, snapshot: snapshot)
        // Below a member name there is nothing.
        try expectNegative("x.192.0.2.10.\(Self.apex)", rcode: 3, snapshot: snapshot)
    }

    @Test func restOfTheZoneIsUnaffected() throws {
        let snapshot = try Self.snapshot()
        let txt = try #require(try ask(makeQuery("example.com._spf.hosted.example.net", .txt), snapshot)).message
        #expect(txt.answers.count == 1 && txt.answers.first?.type == .txt)
        try expectNegative("nope.hosted.example.net", rcode: 3, snapshot: snapshot)
        // A similar name under a domain that is not in macro mode is ordinary NXDOMAIN.
        try expectNegative("192.0.2.10._ip.example.org._spf.hosted.example.net", rcode: 3, snapshot: snapshot)
        let www = try #require(try ask(makeQuery("www.example.com", .a), snapshot)).message
        #expect(www.answers.map(\.rdata) == [.a(0xC000_0250)])
    }

    @Test func apexOctetsInsideALabelAreNotTheApex() throws {
        // The label "zz\003_ip" ends with the apex's first octets, so the last octets of the
        // name equal the apex's wire form, but not on a label boundary: ordinary data.
        let parent = try DNSName("example.com._spf.hosted.example.net")
        let tricky = try DNSName(labels: [Array("zz".utf8) + [3] + Array("_ip".utf8)] + parent.labels)
        let apex = try DNSName(Self.apex)
        #expect(tricky.key.suffix(apex.wireLength).elementsEqual(apex.key))
        let records = try ZoneText.records(Self.zoneText) + [ResourceRecord(name: tricky, ttl: 300, rdata: .txt(splitting: "data"))]
        let zone = try ZoneCompiler.compile(origin: DNSName(Self.origin), records: records,
                                            addressSets: [DNSName(Self.apex): Self.exampleComTable])
        let response = try DNSMessage.decode(try #require(Responder().respond(to: Self.query(tricky, .txt), transport: .udp,
                                                                              snapshot: ZoneSnapshot(zones: [zone]))))
        #expect(response.rcode == 0)
        #expect(response.answers.map(\.rdata) == [.txt(splitting: "data")])
        #expect(zone.lookup(tricky, .a) == .noData(soa: zone.negativeSOARecord))
    }

    @Test func cnameIntoTheTableIsChased() throws {
        let records = try ZoneText.records(Self.zoneText + "\nalias.hosted.example.net. 300 CNAME 192.0.2.10.\(Self.apex).")
        let zone = try ZoneCompiler.compile(origin: DNSName(Self.origin), records: records,
                                            addressSets: [DNSName(Self.apex): Self.exampleComTable])
        let response = try #require(try ask(makeQuery("alias.hosted.example.net", .a), ZoneSnapshot(zones: [zone]))).message
        #expect(response.answers.map(\.type) == [.cname, .a])
        #expect(response.answers.last?.name == (try DNSName("192.0.2.10.\(Self.apex)")))
        #expect(response.answers.last?.rdata == .a(0x7F00_0002))
    }

    @Test func typedLookupMatchesTheResponder() throws {
        let zone = try Self.zone()
        let snapshot = try ZoneSnapshot(zones: [zone])
        let hit = try DNSName("192.0.2.10._IP.example.com._spf.hosted.example.net")
        #expect(snapshot.lookup(hit, .a) == .answer([ResourceRecord(name: hit, ttl: 300, rdata: .a(0x7F00_0002))]))
        #expect(snapshot.lookup(hit, .aaaa) == .noData(soa: zone.negativeSOARecord))
        #expect(snapshot.lookup(try DNSName("10.\(Self.apex)"), .a) == .noData(soa: zone.negativeSOARecord))
        #expect(snapshot.lookup(try DNSName("192.0.2.256.\(Self.apex)"), .a) == .nxDomain(soa: zone.negativeSOARecord))
        #expect(zone.addressSets == [try DNSName(Self.apex): Self.exampleComTable, try DNSName(Self.otherApex): Self.otherTable])
        #expect(zone.contains(try DNSName(Self.apex)))
        #expect(zone.emptyNonTerminals.contains(try DNSName(Self.otherApex)))
        // Zones compiled the old way have no sets.
        #expect(try ZoneText.zone("example.com", Fixtures.exampleCom).addressSets.isEmpty)
    }

    @Test func answersAreNeverTruncatedEvenAtMinimumSizes() throws {
        let snapshot = try Self.snapshot()
        let longest = try DNSName("\(Self.labels(v6: 0x2001_0db8 << 96)).\(Self.apex)")
        for type: RRType in [.a, .aaaa] {
            for transport: Responder.Transport in [.udp, .tcp] {
                for edns: EDNS? in [nil, EDNS(udpPayloadSize: 512)] {
                    let bytes = try #require(Responder().respond(to: Self.query(longest, type, edns: edns), transport: transport, snapshot: snapshot))
                    let response = try DNSMessage.decode(bytes)
                    #expect(!response.header.truncated)
                    #expect(bytes.count <= 512)
                    #expect(response.answers.count + response.authority.count == 1)
                }
            }
        }
    }

    // MARK: Compile-time checks

    @Test func compileRejectsBadAddressSets() throws {
        let records = try ZoneText.records(Self.zoneText)
        let origin = try DNSName(Self.origin)
        let apex = try DNSName(Self.apex)
        func code(_ records: [ResourceRecord], _ sets: [DNSName: AddressRangeTable], ttl: UInt32 = 300) -> (String, String)? {
            do {
                _ = try ZoneCompiler.compile(origin: origin, records: records, addressSets: sets, addressSetTTL: ttl)
                return nil
            } catch let error as DNSAuthorityError {
                return (error.code, error.description)
            } catch {
                return ("other", "\(error)")
            }
        }
        let table = Self.otherTable
        let under = records + [ResourceRecord(name: try DNSName("192.0.2.10.\(Self.apex)"), ttl: 300, rdata: .a(0x7F00_0002))]
        let at = records + [ResourceRecord(name: apex, ttl: 300, rdata: .txt(splitting: "x"))]
        let cases: [(String, [ResourceRecord], [DNSName: AddressRangeTable], UInt32, String, String)] = [
            ("record below", under, [apex: table], 300, "record-under-address-set", "192.0.2.10._ip.example.com"),
            ("record at", at, [apex: table], 300, "record-under-address-set", "TXT record at _ip.example.com"),
            ("zone apex as set", records, [origin: table], 300, "record-under-address-set", "SOA"),
            ("outside", records, [try DNSName("_ip.example.com._spf.example.org"): table], 300, "address-set-outside-zone", "_spf.example.org."),
            ("nested", records, [apex: table, try DNSName("_ip.x.\(Self.apex)"): table], 300, "nested-address-sets", "_ip.x._ip.example.com"),
            ("too long", records, [try DNSName(String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + "."
                                               + String(repeating: "c", count: 39) + "._ip.\(Self.origin)"): table],
             300, "address-set-name-too-long", "octets"),
            ("TTL", records, [apex: table], 0x8000_0000, "invalid-address-set-ttl", "2147483648"),
        ]
        for (label, records, sets, ttl, expectedCode, mentions) in cases {
            let result = code(records, sets, ttl: ttl)
            #expect(result?.0 == expectedCode, "\(label): \(String(describing: result))")
            #expect(result?.1.contains(mentions) == true, "\(label): \(String(describing: result))")
        }
        // Records beside the subtree are fine; so is an empty table.
        let beside = records + [ResourceRecord(name: try DNSName("_ipx.example.com._spf.hosted.example.net"), ttl: 300, rdata: .a(1))]
        #expect(code(beside, [apex: .empty]) == nil)
        // The longest apex that still fits 32 nibbles.
        let fits = try DNSName(String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + "."
                               + String(repeating: "c", count: 38) + "._ip.\(Self.origin)")
        #expect(fits.wireLength == 191)
        #expect(code(records, [fits: table]) == nil)
    }

    @Test func emptyTableMissesEverything() throws {
        let zone = try ZoneCompiler.compile(origin: DNSName(Self.origin), records: ZoneText.records(Self.zoneText),
                                            addressSets: [DNSName(Self.apex): .empty])
        let snapshot = try ZoneSnapshot(zones: [zone])
        try expectNegative("192.0.2.10.\(Self.apex)", rcode: 3, snapshot: snapshot)
        try expectNegative("10.\(Self.apex)", rcode: 0, snapshot: snapshot)
    }
}
