import Testing
import DNSCore
@testable import DNSAuthority

/// The responder reads the QNAME inside the query (a slice starting at octet 12) and compares
/// names case-insensitively without lowercasing a copy (RFC 4343 §3). These cases pin the
/// places where slice offsets or case folding could go wrong.
@Suite struct InPlaceLookupTests {
    /// A zone whose apex is shorter than the 12-octet header, so slice indices and lengths differ.
    static let short = """
    a.io. 3600 SOA ns.a.io. h.a.io. 1 7200 3600 1209600 300
    a.io. 3600 NS ns.a.io.
    x.y.z.a.io. 300 TXT "deep"
    Mixed.A.IO. 300 CNAME TARGET.a.io.
    target.a.io. 300 A 192.0.2.7
    """

    @Test func shortApexZoneAnswersLongNames() throws {
        let snapshot = try ZoneSnapshot(zones: [ZoneText.zone("a.io", Self.short)])
        let deep = try #require(try ask(makeQuery("X.Y.Z.A.IO", .txt), snapshot)).message
        #expect(deep.rcode == 0 && deep.answers.count == 1)
        let missing = try #require(try ask(makeQuery("q.w.e.r.t.y.u.i.o.p.a.io", .txt), snapshot)).message
        #expect(missing.rcode == 3 && missing.header.authoritative)
        #expect(missing.authority.first?.name.description == "a.io.")
        let apex = try #require(try ask(makeQuery("A.Io", .soa), snapshot)).message
        #expect(apex.rcode == 0 && apex.answers.first?.type == .soa)
        #expect(snapshot.zone(enclosing: try DNSName("much.longer.name.than.the.header.a.io"))?.origin.description == "a.io.")
        #expect(try ask(makeQuery("io", .soa), snapshot)?.message.rcode == 5)
        #expect(try ask(makeQuery("b.io", .soa), snapshot)?.message.rcode == 5)
    }

    @Test func caseIsIgnoredEverywhere() throws {
        let snapshot = try ZoneSnapshot(zones: [ZoneText.zone("a.io", Self.short)])
        for qname in ["mixed.a.io", "MIXED.A.IO", "mIxEd.a.Io"] {
            let response = try #require(try ask(makeQuery(qname, .a), snapshot)).message
            #expect(response.answers.map(\.type) == [.cname, .a], "\(qname)")
            #expect(response.answers.last?.rdata == .a(0xC000_0207))
        }
        let chaos = ResponderConfiguration(chaosVersion: "herald")
        let version = try #require(try ask(makeQuery("VERSION.Bind", .txt, qclass: .ch), snapshot, configuration: chaos)).message
        #expect(version.rcode == 0 && version.answers.count == 1)
    }

    @Test func wireKeyFoldsOnlyASCIILetters() {
        // Every octet pair: equal keys hash equally, and only A–Z/a–z fold.
        for a in 0...255 {
            for b in [a, a ^ 0x20] where b <= 255 {
                let left = WireKey([1, UInt8(a), 0])
                let right = WireKey([1, UInt8(b), 0])
                let letters = (0x41...0x5A).contains(a) || (0x61...0x7A).contains(a)
                #expect((left == right) == (a == b || letters), "\(a) vs \(b)")
                if left == right { #expect(left.hashValue == right.hashValue) }
            }
        }
        // The word-at-a-time fold agrees with the octet fold on long keys.
        var rng = SeededGenerator(seed: 0xF01D)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let folded = bytes.map(WireKey.foldCase)
            #expect(WireKey(bytes) == WireKey(folded))
            #expect(WireKey(bytes).hashValue == WireKey(folded).hashValue)
            // A slice with a non-zero start hashes like the same octets in their own array.
            let padded = [UInt8](repeating: 0x41, count: 12) + bytes
            #expect(WireKey(padded[12...]).hashValue == WireKey(bytes).hashValue)
        }
    }
}
