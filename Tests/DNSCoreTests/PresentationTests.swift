import Testing
@testable import DNSCore

@Suite struct PresentationTests {
    @Test func txtQuotingAndEscapes() throws {
        let rdata = RData.txt([try CharacterString(Array(#"say "hi" \ ok"#.utf8)), try CharacterString([0x09, 0x41, 0xFF]), try CharacterString("")])
        #expect(rdata.presentation == #""say \"hi\" \\ ok" "\009A\255" """#)
    }

    @Test func recordLines() throws {
        let soa = ResourceRecord(name: name("example.com"), ttl: 3600, rdata: .soa(SOAData(
            mname: name("ns1.example.com"), rname: name("hostmaster.example.com"),
            serial: 1, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300)))
        #expect(soa.presentation == "example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300")
        #expect(ResourceRecord(name: name("a.example"), ttl: 5, rdata: .a(192, 0, 2, 10)).presentation == "a.example.\t5\tIN\tA\t192.0.2.10")
        #expect(ResourceRecord(name: name("a.example"), ttl: 5, rdata: .mx(preference: 10, exchange: name("mx.example"))).presentation
            == "a.example.\t5\tIN\tMX\t10 mx.example.")
        #expect(ResourceRecord(name: name("a.example"), ttl: 5, rdata: .unknown(type: RRType(65280), bytes: [0xAB, 0x01])).presentation
            == "a.example.\t5\tIN\tTYPE65280\t\\# 2 ab01")
        #expect(ResourceRecord(name: name("a.example"), ttl: 5, rdata: .unknown(type: RRType(65280), bytes: [])).presentation
            == "a.example.\t5\tIN\tTYPE65280\t\\# 0")
    }

    @Test func ipv6InRFC5952Form() throws {
        func text(_ groups: [UInt16]) -> String {
            var value: UInt128 = 0
            for group in groups { value = value << 16 | UInt128(group) }
            return RData.aaaa(value).presentation
        }
        #expect(text([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]) == "2001:db8::1")
        #expect(text([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1]) == "2001:db8:0:1::1")
        #expect(text([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]) == "2001:db8::1:0:0:1")
        #expect(text([0, 0, 0, 0, 0, 0, 0, 0]) == "::")
        #expect(text([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(text([0x2001, 0xdb8, 1, 2, 3, 4, 5, 0]) == "2001:db8:1:2:3:4:5:0")
        #expect(text([0xfe80, 0, 0, 0, 0, 0, 0, 0]) == "fe80::")
    }

    @Test func masterFilePutsSOAFirstWithAbsoluteNames() throws {
        let records = try WireCodecTests.sampleRecords()
        let text = MasterFile.render(records: records.reversed())
        let lines = text.split(separator: "\n")
        #expect(lines.count == records.count)
        #expect(lines[0].contains("\tSOA\t"))
        #expect(!text.contains("$ORIGIN"))
        #expect(lines.allSatisfy { $0.split(separator: "\t")[0].hasSuffix(".") })
        #expect(text.hasSuffix("\n"))
    }
}
