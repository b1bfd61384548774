import Testing
import DNSCore
@testable import DNSAuthority

/// Random label sequences below a macro-mode apex, checked against a string-based model of
/// RFC 7208 §7.3 `%{i}` names, and mutated macro-mode queries: never a trap, every response
/// decodes, TC never set.
@Suite struct MacroModeFuzzTests {
    /// What the responder should say about `labels` (leftmost first) below the apex.
    enum Expected: Equatable { case member, noData, nxDomain }

    /// The model: written from the rules, over strings, independently of `AddressSet`.
    static func model(_ labels: [String], table: AddressRangeTable) -> Expected {
        func octet(_ label: String) -> UInt8? {
            guard let value = UInt8(label), String(value) == label else { return nil }
            return value
        }
        func nibble(_ label: String) -> UInt8? {
            guard label.count == 1 else { return nil }
            return UInt8(label, radix: 16)
        }
        let allOctets = labels.allSatisfy { octet($0) != nil }
        let allNibbles = labels.allSatisfy { nibble($0) != nil }
        if labels.count == 4 && allOctets {
            let address = labels.reduce(UInt32(0)) { $0 << 8 | UInt32(octet($1)!) }
            if table.contains(v4: address) { return .member }
        }
        if labels.count == 32 && allNibbles {
            let address = labels.reduce(UInt128(0)) { $0 << 4 | UInt128(nibble($1)!) }
            return table.contains(v6: address) ? .member : .nxDomain
        }
        if labels.isEmpty { return .noData }
        if labels.count < 4 { return allOctets || allNibbles ? .noData : .nxDomain }
        if labels.count < 32 { return allNibbles ? .noData : .nxDomain }
        return .nxDomain
    }

    /// A label drawn from a pool that makes valid names likely and invalid ones common.
    static func randomLabel(_ rng: inout SeededGenerator, nibbleBias: Bool) -> [UInt8] {
        switch Int.random(in: 0..<20, using: &rng) {
        case 0..<10:
            let hex = Array("0123456789abcdefABCDEF".utf8)
            return [nibbleBias ? hex.randomElement(using: &rng)! : UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &rng)]
        case 10..<15: return Array(String(UInt8.random(in: 0...255, using: &rng)).utf8)
        case 15: return Array(["256", "01", "g", "00", "999", "-1", "0x1", "1a", "_ip", "G", "ff"].randomElement(using: &rng)!.utf8)
        default: return (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
    }

    @Test func randomLabelSequencesMatchTheModel() throws {
        let snapshot = try MacroModeTests.snapshot()
        let table = MacroModeTests.exampleComTable
        let apex = try DNSName(MacroModeTests.apex)
        let responder = Responder()
        var rng = SeededGenerator(seed: 0x5F7_3ACD)
        var seen: [Expected: Int] = [:]
        for iteration in 0..<20_000 {
            let nibbleBias = iteration % 2 == 0
            var count = [0, 1, 2, 3, 4, 4, 4, 5, 31, 32, 32, 32, 33, Int.random(in: 0...40, using: &rng)].randomElement(using: &rng)!
            var labels: [[UInt8]] = []
            // Half the 4- and 32-label cases are built from an address in or near the table.
            if count == 4, Bool.random(using: &rng) {
                let base = table.v4Ranges.randomElement(using: &rng)!
                let address = [base.lowerBound, base.upperBound, base.lowerBound &- 1, base.upperBound &+ 1].randomElement(using: &rng)!
                labels = MacroModeTests.labels(v4: address).split(separator: ".").map { Array($0.utf8) }
            } else if count == 32, Bool.random(using: &rng) {
                let base = table.v6Ranges.randomElement(using: &rng)!
                let address = [base.lowerBound, base.upperBound, base.lowerBound &- 1, base.upperBound &+ 1,
                                UInt128.random(in: base, using: &rng)].randomElement(using: &rng)!
                labels = MacroModeTests.labels(v6: address, uppercase: Bool.random(using: &rng)).split(separator: ".").map { Array($0.utf8) }
            } else {
                labels = (0..<count).map { _ in Self.randomLabel(&rng, nibbleBias: nibbleBias) }
            }
            while labels.reduce(apex.wireLength, { $0 + 1 + $1.count }) > DNSName.maxWireLength { labels.removeFirst() }
            count = labels.count
            let name = try DNSName(labels: labels + apex.labels)
            let type: RRType = [.a, .a, .a, .aaaa, .any, .txt].randomElement(using: &rng)!
            let withEDNS = Bool.random(using: &rng)
            let query = MacroModeTests.query(name, type, edns: withEDNS ? EDNS() : nil)
            let bytes = try #require(responder.respond(to: query, transport: .udp, snapshot: snapshot))
            let response = try DNSMessage.decode(bytes)

            let text = labels.map { String(decoding: $0, as: UTF8.self).lowercased() }
            let valid = labels.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
            let expected = valid ? Self.model(text, table: table) : .nxDomain
            seen[expected, default: 0] += 1
            #expect(response.header.authoritative && !response.header.truncated)
            #expect(bytes.count <= 512)
            #expect(Array(bytes[12..<query.count - (withEDNS ? 11 : 0)]) == Array(query[12..<query.count - (withEDNS ? 11 : 0)]))
            switch expected {
            case .member where type == .a || type == .any:
                #expect(response.rcode == 0, "\(name)")
                #expect(response.answers == [ResourceRecord(name: name, ttl: 300, rdata: .a(0x7F00_0002))], "\(name) \(type)")
                #expect(response.authority.isEmpty)
            case .member, .noData:
                #expect(response.rcode == 0, "\(name) \(type)")
                #expect(response.answers.isEmpty && response.authority.map(\.type) == [.soa], "\(name) \(type)")
            case .nxDomain:
                #expect(response.rcode == 3, "\(name) \(type)")
                #expect(response.answers.isEmpty && response.authority.map(\.type) == [.soa], "\(name) \(type)")
            }
        }
        // The generator reaches every outcome often.
        #expect(seen[.member, default: 0] > 1000)
        #expect(seen[.noData, default: 0] > 1000)
        #expect(seen[.nxDomain, default: 0] > 1000)
    }

    @Test func mutatedMacroQueriesNeverTrap() throws {
        let snapshot = try MacroModeTests.snapshot()
        let responder = Responder()
        var rng = SeededGenerator(seed: 0x1_7208)
        let seeds = [
            makeQuery("192.0.2.10.\(MacroModeTests.apex)", .a),
            makeQuery("\(MacroModeTests.labels(v6: 0x2001_0db8 << 96 | 7)).\(MacroModeTests.apex)", .a, edns: EDNS()),
            makeQuery("2.10.\(MacroModeTests.apex)", .a),
            makeQuery("203.0.113.7.\(MacroModeTests.otherApex)", .any, edns: EDNS(udpPayloadSize: 512)),
        ]
        let hosted = try DNSName("_spf.hosted.example.net")
        var answered = 0
        for iteration in 0..<20_000 {
            var packet = seeds[iteration % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                guard !packet.isEmpty else { break }
                let at = Int.random(in: 0..<packet.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: packet[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: packet[at] = [0x30, 0x39, 0x61, 0x67, 0x01, 0x02, 0x03, 0x00, 0xC0, 0x3F].randomElement(using: &rng)!
                case 2: packet = Array(packet.prefix(at))
                case 3: packet.insert(contentsOf: [0x01, UInt8.random(in: 0x30...0x66, using: &rng)], at: min(max(12, at), packet.count))
                default: packet.remove(at: at)
                }
            }
            let transport: Responder.Transport = iteration % 3 == 0 ? .tcp : .udp
            guard let bytes = responder.respond(to: packet, transport: transport, snapshot: snapshot) else { continue }
            answered += 1
            let response = try DNSMessage.decode(bytes)
            #expect(response.header.isResponse && !response.header.truncated)
            #expect(bytes[0] == packet[0] && bytes[1] == packet[1])
            for record in response.answers where record.type == .a && record.name.isSubdomain(of: hosted) {
                #expect(record.rdata == .a(0x7F00_0002))
            }
        }
        #expect(answered > 10_000)
    }
}
