import Testing
@testable import DNSCore

@Suite struct WireCodecTests {
    static func sampleRecords() throws -> [ResourceRecord] {
        let owner = name("Example.com")
        return [
            ResourceRecord(name: owner, ttl: 3600, rdata: .soa(SOAData(
                mname: name("ns1.example.com"), rname: name("hostmaster.example.com"),
                serial: 2026011501, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300))),
            ResourceRecord(name: owner, ttl: 3600, rdata: .ns(name("ns1.example.com"))),
            ResourceRecord(name: name("www.example.com"), ttl: 60, rdata: .a(192, 0, 2, 1)),
            ResourceRecord(name: name("www.example.com"), ttl: 60, rdata: try .aaaa(octets: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])),
            ResourceRecord(name: owner, ttl: 300, rdata: .mx(preference: 10, exchange: name("mail.example.com"))),
            ResourceRecord(name: name("_dmarc.example.com"), ttl: 300, rdata: .cname(name("example.com._dmarc.hosted.example.net"))),
            ResourceRecord(name: name("1.2.0.192.in-addr.arpa"), ttl: 300, rdata: .ptr(owner)),
            ResourceRecord(name: owner, ttl: 300, rdata: .txt(CharacterString.split(String(repeating: "k", count: 600)))),
            ResourceRecord(name: owner, ttl: 300, rdata: .hinfo(cpu: try CharacterString("RFC8482"), os: try CharacterString(""))),
            ResourceRecord(name: owner, ttl: 300, rdata: .unknown(type: RRType(65280), bytes: [1, 2, 3])),
            ResourceRecord(name: owner, ttl: 300, rdata: .unknown(type: .caa, bytes: [0, 5] + Array("issueletsencrypt.org".utf8))),
        ]
    }

    @Test func messageRoundTripWithCompression() throws {
        let records = try Self.sampleRecords()
        var header = DNSHeader(id: 0xBEEF, isResponse: true, authoritative: true, recursionDesired: true)
        header.rcode = 3
        let message = DNSMessage(
            header: header,
            questions: [DNSQuestion(name: name("eXample.com"), type: .txt)],
            answers: Array(records[0..<6]), authority: Array(records[6...]),
            additional: [ResourceRecord(name: name("x.example.com"), ttl: 1, rdata: .a(0x7F000002))],
            edns: EDNS(udpPayloadSize: 1232, extendedRCode: 0, version: 0, dnssecOK: true,
                       options: [EDNS.Option(code: 10, data: [1, 2, 3, 4, 5, 6, 7, 8])]))
        let bytes = try message.encode()
        let decoded = try DNSMessage.decode(bytes)
        #expect(decoded.questions == message.questions)
        #expect(decoded.answers == message.answers)
        #expect(decoded.authority == message.authority)
        #expect(decoded.additional == message.additional)
        #expect(decoded.edns == message.edns)
        #expect(decoded.header.id == 0xBEEF)
        #expect(decoded.header.authoritative && decoded.header.recursionDesired && decoded.header.isResponse)
        #expect(decoded.rcode == 3)
        #expect(decoded.header.answerCount == 6)
        #expect(decoded.header.additionalCount == 2)
        // Case of each name survives the round trip.
        #expect(decoded.questions[0].name.wire == name("eXample.com").wire)
        // Compression made the message smaller than the uncompressed sum.
        var uncompressed = WireWriter()
        for record in records + message.additional { try record.encode(into: &uncompressed, compress: false) }
        let uncompressedSize = 12 + name("eXample.com").wireLength + 4 + uncompressed.count + 11 + 12
        #expect(bytes.count < uncompressedSize - 40)
        #expect(bytes.count > 12 && bytes[29] == 0xC0 && bytes[30] == 0x0C) // first answer owner → question
        // Re-encoding the decoded message gives the same bytes.
        #expect(try decoded.encode() == bytes)
    }

    @Test func compressionPointersOnlyPointBackwards() throws {
        let records = try Self.sampleRecords()
        let message = DNSMessage(header: DNSHeader(id: 1), questions: [DNSQuestion(name: name("example.com"), type: .any)], answers: records)
        let bytes = try message.encode()
        // Walk every name position the decoder visits through a strict reader: decoding
        // succeeds only if every pointer is backwards (WireReader rejects others).
        #expect(try DNSMessage.decode(bytes).answers == records)
    }

    @Test func pointersAreNeverWrittenForOffsetsPast3FFF() throws {
        // A large first RRset pushes later names past 0x3FFF; their suffixes must not be
        // remembered there, but earlier ones still may be used.
        var writer = WireWriter()
        writer.writeBytes([UInt8](repeating: 0, count: 0x4000))
        writer.writeName(name("late.example.org"))
        let offsetOfSecond = writer.count
        writer.writeName(name("late.example.org"))
        // The second copy must be written in full (no pointer to ≥ 0x3FFF).
        #expect(Array(writer.bytes[offsetOfSecond...]) == name("late.example.org").wire)
    }

    @Test func rdataLengthMismatchIsAnError() throws {
        var writer = WireWriter()
        DNSHeader(id: 1, isResponse: true, answerCount: 1).encode(into: &writer)
        writer.writeName(name("a.example"), compress: false)
        writer.writeUInt16(RRType.a.rawValue)
        writer.writeUInt16(1)
        writer.writeUInt32(60)
        writer.writeUInt16(5)
        writer.writeBytes([1, 2, 3, 4, 5])
        #expect(throws: DNSCoreError.self) { try DNSMessage.decode(writer.bytes) }
    }

    @Test func twoOPTRecordsAreAnError() throws {
        var writer = WireWriter()
        DNSHeader(id: 1, additionalCount: 2).encode(into: &writer)
        EDNS().encode(into: &writer)
        EDNS().encode(into: &writer)
        #expect(throws: DNSCoreError.self) { try DNSMessage.decode(writer.bytes) }
    }

    @Test func characterStringLimit() throws {
        #expect(throws: DNSCoreError.characterStringTooLong(length: 256)) {
            try CharacterString([UInt8](repeating: 0x41, count: 256))
        }
        #expect(try CharacterString([UInt8](repeating: 0x41, count: 255)).bytes.count == 255)
        for length in [0, 1, 255, 256, 400, 1000] {
            let value = (0..<length).map { UInt8(truncatingIfNeeded: $0 % 26 + 97) }
            let parts = CharacterString.split(value)
            #expect(parts.flatMap(\.bytes) == value)
            #expect(parts.allSatisfy { $0.bytes.count <= 255 })
            #expect(parts.count == max(1, (length + 254) / 255))
        }
    }

    @Test func testC30LongTXTValuesEncodeAsValidCharacterStrings() throws {
        for length in [256, 400, 1000] {
            let value = String(repeating: "p", count: length)
            let record = ResourceRecord(name: name("sel._domainkey.example.com"), ttl: 300, rdata: .txt(splitting: value))
            let wire = record.rdata.wireBytes
            // Walk the character-strings by their length octets.
            var index = 0
            var joined: [UInt8] = []
            while index < wire.count {
                let length = Int(wire[index])
                #expect(length <= 255)
                joined += wire[(index + 1)..<(index + 1 + length)]
                index += 1 + length
            }
            #expect(index == wire.count)
            #expect(joined == Array(value.utf8))
            #expect(wire.first == 255) // never 'length mod 256'
        }
    }
}
