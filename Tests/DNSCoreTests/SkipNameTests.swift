import Testing
@testable import DNSCore

/// `WireReader.skipName()` must agree with `readName()` on every input: same end offset and
/// wire length on success, the same error otherwise (RFC 1035 §4.1.4; RFC 9267; C39).
@Suite struct SkipNameTests {
    /// Runs both readers at `offset` and compares.
    static func agree(_ bytes: [UInt8], at offset: Int) -> Bool {
        var reading = WireReader(bytes, offset: offset)
        var skipping = WireReader(bytes, offset: offset)
        let read = Result { try reading.readName() }
        let skipped = Result { try skipping.skipName() }
        switch (read, skipped) {
        case let (.success(name), .success(length)):
            return name.wireLength == length && reading.offset == skipping.offset
        case let (.failure(a), .failure(b)):
            return (a as? DNSCoreError) == (b as? DNSCoreError)
        default:
            return false
        }
    }

    @Test func knownCases() throws {
        let header = [UInt8](repeating: 0, count: 12)
        let cases: [[UInt8]] = [
            header + [0],
            header + hexBytes("03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00"),
            header + hexBytes("07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 03 77 77 77 c0 0c"),
            header + hexBytes("c0 0c"),                     // pointer to itself
            header + hexBytes("c0 05"),                     // into the header
            header + hexBytes("03 77 77"),                  // truncated label
            header + hexBytes("43 00"),                     // label type 0x40
            header + Array(repeating: [63] + [UInt8](repeating: 0x61, count: 63), count: 4).flatMap { $0 } + [0],  // 257 octets
        ]
        for (index, bytes) in cases.enumerated() {
            #expect(Self.agree(bytes, at: 12), "case \(index)")
        }
        // The compressed name after the first one: 4 octets in the stream, 17 uncompressed.
        var reader = WireReader(cases[2], offset: 25)
        #expect(try reader.skipName() == 17)
        #expect(reader.offset == 31)
    }

    @Test func agreesOnRandomAndMutatedInput() throws {
        var rng = SeededGenerator(seed: 0x5C1_9)
        let seeds = try FuzzTests.seedMessages()
        for iteration in 0..<20_000 {
            var packet = seeds[iteration % seeds.count]
            if iteration % 3 == 0 {
                packet = (0..<Int.random(in: 12..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                for _ in 0..<Int.random(in: 1...5, using: &rng) {
                    let at = Int.random(in: 12..<packet.count, using: &rng)
                    packet[at] = [0xC0, 0xC1, 0x3F, 0x40, 0x80, 0x00, 0x01, 0x0C, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
                }
            }
            let offset = Int.random(in: 12...packet.count, using: &rng)
            #expect(Self.agree(packet, at: offset), "iteration \(iteration)")
        }
    }
}
