import DNSAuthority
import HeraldFuzzHarness
import Testing
@testable import DNSServer

/// Responses classified for rate limiting, from the responder's real answers on the fuzz zones.
@Suite struct ResponseClassTests {
    func classify(_ query: [UInt8], tcp: Bool = false) throws -> (ResponseClass, [UInt8]) {
        let response = try #require(Responder().respond(to: query, transport: tcp ? .tcp : .udp, snapshot: FuzzZones.snapshot))
        return (response.withUnsafeBytes { ResponseClass(response: $0) }, response)
    }

    @Test func answersAreKeyedByQNameAnyCaseAndQType() throws {
        let (a, response) = try classify(query("www.example.com", type: 1))
        #expect(a.kind == .answer && a.qtype == 1)
        #expect(a.questionEnd == 12 + 17 + 4)
        #expect(a.questionEnd < response.count)
        let (upper, _) = try classify(query("WWW.Example.COM", type: 1, id: 9))
        #expect(upper == a)
        let (aaaa, _) = try classify(query("www.example.com", type: 28))
        #expect(aaaa.kind == .answer && aaaa.qtype == 28 && aaaa.nameHash == a.nameHash)
        let (other, _) = try classify(query("mail.example.com", type: 1))
        #expect(other.nameHash != a.nameHash)
        // A CNAME into another zone is still an answer for the QNAME.
        let (cname, _) = try classify(query("policy.example.com", type: 16))
        #expect(cname.kind == .answer && cname.qtype == 16)
    }

    /// NXDOMAIN and NODATA are keyed by the zone (the SOA owner), so random names share a bucket.
    @Test func negativeAnswersAreKeyedByZone() throws {
        let (apex, _) = try classify(query("example.com", type: 6))
        let (nx1, _) = try classify(query("nope.example.com", type: 16))
        let (nx2, _) = try classify(query("x7f3k.deep.example.com", type: 1, edns: true))
        #expect(nx1.kind == .nxDomain && nx2.kind == .nxDomain)
        #expect(nx1.nameHash == apex.nameHash && nx2.nameHash == apex.nameHash)
        let (nodata, _) = try classify(query("_dmarc.example.com", type: 28))
        let (ent, _) = try classify(query("_tls.example.com", type: 16))
        #expect(nodata.kind == .noData && ent.kind == .noData)
        #expect(nodata.nameHash == apex.nameHash && ent.nameHash == apex.nameHash)
        // A dangling CNAME: NXDOMAIN after one answer record; the zone is still found.
        let (dangling, _) = try classify(query("dangling.example.com", type: 1))
        #expect(dangling.kind == .nxDomain && dangling.nameHash == apex.nameHash)
        // Macro-mode misses land in the hosted zone's bucket.
        let (hostedApex, _) = try classify(query("hosted.example.net", type: 6))
        let (miss, _) = try classify(query("203.0.113.9._ip.example.com._spf.hosted.example.net", type: 1))
        #expect(miss.kind == .nxDomain && miss.nameHash == hostedApex.nameHash)
    }

    @Test func errorsShareOneClass() throws {
        let (refused, _) = try classify(query("www.example.org", type: 1))
        let (formerr, _) = try classify([0xAB, 0xCD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        let (notimp, _) = try classify(query("example.com", type: 6, flags: 0x2800))
        var badvers = query("example.com", type: 6, edns: true)
        badvers[badvers.count - 5] = 1  // OPT version 1 (C27)
        let (badversClass, _) = try classify(badvers)
        for c in [refused, formerr, notimp, badversClass] {
            #expect(c.kind == .error && c.nameHash == 0 && c.qtype == 0)
        }
        #expect(formerr.questionEnd == 12)
    }

    /// A UDP answer cut to nothing but TC=1 (C29) is still an answer for the QNAME.
    @Test func truncatedAnswerWithoutRecordsIsAnAnswer() throws {
        let (big, response) = try classify(query("big.example.com", type: 16))
        #expect(Header(response).truncated)
        #expect(big.kind == .answer && big.qtype == 16)
    }

    /// Arbitrary octets never trap and never read outside the message.
    @Test func arbitraryBytesAreSafe() throws {
        var rng = SplitMix(seed: 0xC39)
        var seeds: [[UInt8]] = []
        for q in [query("www.example.com", type: 1), query("dangling.example.com", type: 1), query("nope.example.com", type: 16, edns: true)] {
            seeds.append(try classify(q).1)
        }
        for iteration in 0..<20_000 {
            var bytes: [UInt8]
            if iteration % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = seeds[iteration % seeds.count]
                for _ in 0..<Int.random(in: 1...6, using: &rng) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    if Bool.random(using: &rng) { bytes[at] = [0xC0, 0x0C, 0x3F, 0xFF, 0x00, 0x83].randomElement(using: &rng)! }
                    else { bytes = Array(bytes.prefix(at)) }
                }
            }
            let c = bytes.withUnsafeBytes { ResponseClass(response: $0) }
            #expect(c.questionEnd <= max(12, bytes.count))
            var copy = bytes
            SlipResponse.truncate(&copy, questionEnd: c.questionEnd)
            #expect(copy.count <= bytes.count)
        }
    }
}
