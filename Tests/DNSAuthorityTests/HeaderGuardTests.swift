import Testing
import DNSCore
@testable import DNSAuthority

/// C36 (QDCOUNT ≠ 1, opcodes, QR=1, unknown types) and C39 (malformed names) at the
/// responder.
@Suite struct HeaderGuardTests {
    static let exampleQuestion = "07 65 78 61 6d 70 6c 65 03 63 6f 6d 00"

    @Test func testC36aQDCountZeroIsFormErr() throws {
        let (bytes, response) = try #require(try ask(hexBytes("ab cd 00 00 00 00 00 00 00 00 00 00"), Fixtures.snapshot()))
        #expect(response.header.id == 0xABCD)
        #expect(response.rcode == 1)
        #expect(response.header.isResponse)
        #expect(bytes.count == 12)
    }

    @Test func testC36bQDCountTwoIsFormErr() throws {
        let q = Self.exampleQuestion + " 00 01 00 01"
        let query = hexBytes("12 34 00 00 00 02 00 00 00 00 00 00 " + q + " " + q)
        let response = try #require(try ask(query, Fixtures.snapshot())).message
        #expect(response.rcode == 1)
        #expect(response.answers.isEmpty)
    }

    @Test func testC36cUpdateIsNotImpWithOpcodeEchoed() throws {
        let query = hexBytes("77 77 28 00 00 01 00 00 00 00 00 00 " + Self.exampleQuestion + " 00 06 00 01")
        let response = try #require(try ask(query, Fixtures.snapshot())).message
        #expect(response.header.opcode == 5)
        #expect(response.rcode == 4)
        #expect(response.header.id == 0x7777)
        // NOTIFY (4) likewise.
        let notify = hexBytes("77 78 20 00 00 01 00 00 00 00 00 00 " + Self.exampleQuestion + " 00 06 00 01")
        let notifyResponse = try #require(try ask(notify, Fixtures.snapshot())).message
        #expect(notifyResponse.header.opcode == 4 && notifyResponse.rcode == 4)
    }

    @Test func testC36dOpcode15WithAllFlagsIsNotImpFlagsCleared() throws {
        // opcode 15, AA, TC, RD, RA, Z, AD, CD all set; header only.
        let flags: UInt16 = 0x7800 | 0x0400 | 0x0200 | 0x0100 | 0x0080 | 0x0040 | 0x0020 | 0x0010
        let query: [UInt8] = [0x12, 0x34, UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 0, 0, 0, 0, 0, 0, 0]
        let (bytes, response) = try #require(try ask(query, Fixtures.snapshot()))
        #expect(response.header.opcode == 15)
        #expect(response.rcode == 4)
        #expect(bytes[2] == 0x80 | 0x78)
        #expect(bytes[3] == 0x04)
        #expect(bytes.count == 12)
    }

    @Test func testC36eResponsesAreDropped() throws {
        let query = hexBytes("12 34 80 00 00 01 00 00 00 00 00 00 " + Self.exampleQuestion + " 00 01 00 01")
        #expect(try ask(query, Fixtures.snapshot()) == nil)
        // Also with a non-zero opcode and with QDCOUNT 0: QR=1 wins.
        #expect(try ask(hexBytes("12 34 a8 00 00 00 00 00 00 00 00 00"), Fixtures.snapshot()) == nil)
        // And anything shorter than a header.
        #expect(try ask(hexBytes("12 34 00 00 00 01 00"), Fixtures.snapshot()) == nil)
        #expect(try ask([], Fixtures.snapshot()) == nil)
    }

    @Test func testC36fUnknownTypeIsNoData() throws {
        let response = try #require(try ask(makeQuery("example.com", RRType(65280)), Fixtures.snapshot())).message
        #expect(response.rcode == 0)
        #expect(response.header.authoritative)
        #expect(response.answers.isEmpty)
        #expect(response.authority.first?.type == .soa)
        #expect(response.questions.first?.type.description == "TYPE65280")
    }

    static let hostile: [(String, [UInt8])] = [
        ("a self pointer", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 c0 0c 00 10 00 01")),
        ("b beyond end", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 c0 ff 00 10 00 01")),
        ("c lone c0", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 03 77 77 77 c0")),
        ("d label 0x40", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00") + [0x40] + [UInt8](repeating: 0x61, count: 64) + [0, 0, 16, 0, 1]),
        ("d label type 0x80", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 80 01 61 00 00 10 00 01")),
        ("e 256 octets", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00") + Array(repeating: [UInt8(63)] + [UInt8](repeating: 0x61, count: 63), count: 3).flatMap { $0 }
            + [62] + [UInt8](repeating: 0x62, count: 62) + [0, 0, 16, 0, 1]),
        ("question cut short", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 " + exampleQuestion + " 00 10 00")),
        ("additional with self pointer", hexBytes("12 34 00 00 00 01 00 00 00 00 00 01 " + exampleQuestion + " 00 10 00 01 c0 1d 00 01 00 01 00 00 00 00 00 00")),
        ("two OPT records", hexBytes("12 34 00 00 00 01 00 00 00 00 00 02 " + exampleQuestion + " 00 10 00 01 00 00 29 04 d0 00 00 00 00 00 00 00 00 29 04 d0 00 00 00 00 00 00")),
        ("OPT with non-root owner", hexBytes("12 34 00 00 00 01 00 00 00 00 00 01 " + exampleQuestion + " 00 10 00 01 c0 0c 00 29 04 d0 00 00 00 00 00 00")),
        ("OPT option overruns", hexBytes("12 34 00 00 00 01 00 00 00 00 00 01 " + exampleQuestion + " 00 10 00 01 00 00 29 04 d0 00 00 00 00 00 04 00 0a 00 08")),
    ]

    @Test(arguments: 0..<hostile.count)
    func testC39MalformedQueriesGetFormErrOrDrop(_ index: Int) throws {
        let (label, query) = Self.hostile[index]
        let bytes = Responder().respond(to: query, transport: .udp, snapshot: try Fixtures.snapshot())
        if let bytes {
            let response = try DNSMessage.decode(bytes)
            #expect(response.rcode == 1, "\(label)")
            #expect(response.header.id == 0x1234)
            #expect(response.answers.isEmpty && response.authority.isEmpty)
        }
    }

    @Test func testC39fChainedPointersInAdditionalAreAccepted() throws {
        var query = hexBytes("12 34 00 00 00 01 00 00 00 00 00 02 " + Self.exampleQuestion + " 00 01 00 01")
        let firstOwner = query.count
        query += [3] + Array("www".utf8) + [0xC0, 0x0C] + [0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]
        query += [0xC0, UInt8(firstOwner)] + [0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 2]
        let response = try #require(try ask(query, Fixtures.snapshot())).message
        #expect(response.rcode == 0)
        #expect(response.header.authoritative)
    }

    @Test func testC31TwoQueriesFromOneTCPWriteAnswerIndependently() throws {
        // The framed bytes of C31, de-framed as the transport would.
        let first = hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01")
        var second = first
        second[0] = 0x56; second[1] = 0x78; second[second.count - 3] = 0x1c
        let snapshot = try Fixtures.snapshot()
        let a = try #require(try ask(first, snapshot, transport: .tcp)).message
        let b = try #require(try ask(second, snapshot, transport: .tcp)).message
        #expect(a.header.id == 0x1234 && a.questions.first?.type == .a)
        #expect(b.header.id == 0x5678 && b.questions.first?.type == .aaaa)
    }

    @Test func classesAndTransfers() throws {
        let snapshot = try Fixtures.snapshot()
        #expect(try ask(makeQuery("example.com", .soa, qclass: .hs), snapshot)?.message.rcode == 5)
        #expect(try ask(makeQuery("example.com", .axfr), snapshot, transport: .tcp)?.message.rcode == 5)
        #expect(try ask(makeQuery("example.com", .ixfr), snapshot)?.message.rcode == 5)
        let anyClass = try #require(try ask(makeQuery("www.example.com", .a, qclass: .any), snapshot)).message
        #expect(anyClass.answers.count == 1)
        #expect(anyClass.questions.first?.qclass == .any)
    }

    @Test func chaosQueriesOnlyWhenConfigured() throws {
        let snapshot = try Fixtures.snapshot()
        #expect(try ask(makeQuery("version.bind", .txt, qclass: .ch), snapshot)?.message.rcode == 5)
        #expect(try ask(makeQuery("id.server", .txt, qclass: .ch), snapshot)?.message.rcode == 5)
        let configured = ResponderConfiguration(chaosVersion: "herald 1.0", chaosIdentity: "ns1")
        let version = try #require(try ask(makeQuery("VERSION.bind", .txt, qclass: .ch), snapshot, configuration: configured)).message
        #expect(version.rcode == 0)
        #expect(version.answers.first?.rdata == .txt([try CharacterString("herald 1.0")]))
        #expect(version.answers.first?.rrClass == .ch)
        #expect(version.answers.first?.name.description == "VERSION.bind.")
        let id = try #require(try ask(makeQuery("id.server", .txt, qclass: .ch), snapshot, configuration: configured)).message
        #expect(id.answers.first?.rdata == .txt([try CharacterString("ns1")]))
        #expect(try ask(makeQuery("other.bind", .txt, qclass: .ch), snapshot, configuration: configured)?.message.rcode == 5)
        // Chaos queries never look in IN zones.
        #expect(try ask(makeQuery("example.com", .txt, qclass: .ch), snapshot, configuration: configured)?.message.rcode == 5)
    }
}
