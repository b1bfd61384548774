import Testing
@testable import RecordBuilder

@Suite struct IPAddressTextTests {
    @Test func parsesAndFormatsIPv4() throws {
        let a = try IPv4Address.parse("192.0.2.1")
        #expect(a.value == 0xC000_0201)
        #expect(a.description == "192.0.2.1")
        #expect(IPv4Address(0).description == "0.0.0.0")
        #expect(IPv4Address(.max).description == "255.255.255.255")
    }

    @Test(arguments: ["", "192.0.2", "192.0.2.256", "192.0.2.01", "1.2.3.4.5", " 192.0.2.1", "::1", "a.b.c.d"])
    func rejectsBadIPv4(_ text: String) {
        #expect(throws: IPParseError.invalidIPv4Address(text)) { try IPv4Address.parse(text) }
    }

    @Test func formatsIPv6InRFC5952Form() throws {
        let cases: [(String, String)] = [
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
            ("::", "::"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ]
        for (input, expected) in cases {
            #expect(try IPv6Address.parse(input).description == expected)
        }
        #expect(try IPv6Address.parse("2001:db8::1").value == (UInt128(0x2001_0db8) << 96) | 1)
    }

    @Test(arguments: ["", "2001:db8:::1", "2001:db8::g", "192.0.2.1", "1:2:3:4:5:6:7:8:9"])
    func rejectsBadIPv6(_ text: String) {
        #expect(throws: IPParseError.invalidIPv6Address(text)) { try IPv6Address.parse(text) }
    }

    @Test func parsesNetworksAndClearsHostBits() throws {
        #expect(try IPNetwork.parse("192.0.2.0/24").description == "192.0.2.0/24")
        #expect(try IPNetwork.parse("192.0.2.173/30").description == "192.0.2.172/30")
        #expect(try IPNetwork.parse("2001:db8::/32").description == "2001:db8::/32")
        #expect(try IPNetwork.parse("192.0.2.9").description == "192.0.2.9/32")
        #expect(try IPNetwork.parse("192.0.2.9").spfTerm == "ip4:192.0.2.9")
        #expect(try IPNetwork.parse("2001:db8::1").spfTerm == "ip6:2001:db8::1")
        #expect(try IPNetwork.parse("0.0.0.0/0").description == "0.0.0.0/0")
    }

    @Test(arguments: ["192.0.2.0/33", "192.0.2.0/024", "192.0.2.0/", "2001:db8::/129", "192.0.2.0/-1"])
    func rejectsBadPrefixLengths(_ text: String) {
        #expect(throws: IPParseError.self) { try IPNetwork.parse(text) }
        do { _ = try IPNetwork.parse(text) } catch { #expect(error.description.contains(text)) }
    }

    @Test func errorsNameTheValue() {
        do { _ = try IPNetwork.parse("300.1.1.1/8") } catch {
            #expect(error.description.contains("300.1.1.1"))
        }
    }
}
