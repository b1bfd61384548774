import Testing
import DNSCore
@testable import DNSAuthority

/// The compiled snapshot image: what `herald serve` reloads at start instead of rebuilding
/// (the zones as the responder holds them, written and read back with every offset checked).
@Suite struct ZoneImageTests {
    /// Every zone of the standard fixtures plus the macro-mode zone (address sets, ENTs,
    /// CNAMEs, several types per owner).
    static func snapshot() throws -> ZoneSnapshot {
        let macro = try MacroModeTests.zone()
        return try ZoneSnapshot(zones: Fixtures.snapshot().zones.filter { $0.origin != macro.origin } + [macro], generation: 42)
    }

    static func image(_ snapshot: ZoneSnapshot) -> [UInt8] {
        var writer = ImageWriter()
        snapshot.encode(into: &writer)
        return writer.bytes
    }

    /// Questions covering data, CNAME chains, ENTs, NXDOMAIN, ANY, macro-mode members and
    /// misses, mixed case and a name outside every zone.
    static let questions: [(String, RRType)] = [
        ("example.com", .soa), ("example.com", .ns), ("example.com", .mx), ("example.com", .any),
        ("www.example.com", .a), ("WWW.Example.COM", .aaaa), ("alias.example.com", .a), ("policy.example.com", .txt),
        ("loop1.example.com", .a), ("dangling.example.com", .a), ("_tls.example.com", .txt), ("nope.example.com", .a),
        ("example.com._dmarc.hosted.example.net", .txt), ("_dmarc.hosted.example.net", .txt),
        ("example.com._spf.hosted.example.net", .txt), ("10.2.0.192._ip.example.com._spf.hosted.example.net", .a),
        ("11.2.0.193._ip.example.com._spf.hosted.example.net", .a), ("_ip.example.com._spf.hosted.example.net", .a),
        ("7.113.0.203._ip.example.co.uk._spf.hosted.example.net", .any), ("example.org", .a),
        ("reports.example.net", .soa), ("hosted.example.net", .ns),
    ]

    @Test func roundTripAnswersByteForByte() throws {
        let original = try Self.snapshot()
        var reader = ImageReader(Self.image(original))
        let decoded = try ZoneSnapshot.decode(from: &reader)
        #expect(reader.remaining == 0)
        #expect(decoded.generation == 42)
        #expect(decoded.zones.map(\.origin) == original.zones.map(\.origin))
        for (a, b) in zip(original.zones, decoded.zones) {
            #expect(a.records == b.records)
            #expect(a.emptyNonTerminals == b.emptyNonTerminals)
            #expect(a.addressSets == b.addressSets)
            #expect(a.negativeTTL == b.negativeTTL)
        }
        let responder = Responder()
        for (name, type) in Self.questions {
            for transport in [Responder.Transport.udp, .tcp] {
                let query = makeQuery(name, type, edns: EDNS(udpPayloadSize: 1232))
                let expected = responder.respond(to: query, transport: transport, snapshot: original)
                #expect(expected != nil)
                #expect(responder.respond(to: query, transport: transport, snapshot: decoded) == expected, "\(name) \(type)")
            }
        }
    }

    @Test func truncatedImagesAreRefusedWithTheField() throws {
        let image = Self.image(try Self.snapshot())
        var generator = SeededGenerator(seed: 7)
        var lengths = Array(0..<min(64, image.count))
        for _ in 0..<200 { lengths.append(Int.random(in: 0..<image.count, using: &generator)) }
        for length in lengths {
            var reader = ImageReader(Array(image[0..<length]))
            #expect(throws: DNSAuthorityError.self) { _ = try ZoneSnapshot.decode(from: &reader) }
        }
        var reader = ImageReader(Array(image[0..<(image.count - 1)]))
        do {
            _ = try ZoneSnapshot.decode(from: &reader)
            Issue.record("an image one octet short was accepted")
        } catch let error as DNSAuthorityError {
            #expect(error.code == "invalid-image")
            #expect(error.description.contains("snapshot image field"))
        }
    }

    /// Damaged images never trap: each either fails to decode or gives zones the responder
    /// answers from without crashing.
    @Test func damagedImagesNeverCrashTheResponder() throws {
        let image = Self.image(try Self.snapshot())
        var generator = SeededGenerator(seed: 11)
        let responder = Responder()
        var refused = 0
        for _ in 0..<400 {
            var damaged = image
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            var reader = ImageReader(damaged)
            guard let snapshot = try? ZoneSnapshot.decode(from: &reader) else {
                refused += 1
                continue
            }
            for (name, type) in Self.questions {
                _ = responder.respond(to: makeQuery(name, type), transport: .udp, snapshot: snapshot)
            }
        }
        #expect(refused > 0)
    }

    @Test func namesOutsideTheApexOrOffLabelBoundariesAreRefused() throws {
        // A zone whose only non-apex owner is `a\u{1}b.c.` style: the origin's octets appear at
        // the end but start inside a label.
        let zone = try ZoneCompiler.compile(origin: DNSName("b.c"), records: ZoneText.records("""
        b.c. 3600 SOA ns.b.c. h.b.c. 1 2 3 4 5
        b.c. 3600 NS ns.b.c.
        x.b.c. 300 TXT "x"
        """))
        var writer = ImageWriter()
        zone.encode(into: &writer)
        var bytes = writer.bytes
        // Rewrite the stored owner `x.b.c.` ([1 x 1 b 1 c 0]) to [3 x 1 b 1 c 0]: one label "x\u{1}b"
        // followed by "c" — its last five octets still read `b.c.`.
        let needle: [UInt8] = [1, UInt8(ascii: "x"), 1, UInt8(ascii: "b"), 1, UInt8(ascii: "c"), 0]
        let at = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
        bytes[at] = 3
        var reader = ImageReader(bytes)
        #expect(throws: DNSAuthorityError.self) { _ = try Zone.decode(from: &reader) }
    }
}
