import Testing
@testable import DNSCore

@Suite struct DNSNameTests {
    @Test func parsesWithAndWithoutTrailingDot() throws {
        let a = try DNSName("Example.COM")
        let b = try DNSName("example.com.")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.description == "Example.COM.")
        #expect(a.wire == [7] + Array("Example".utf8) + [3] + Array("COM".utf8) + [0])
        #expect(a.key == b.wire)
        #expect(a.labelCount == 2)
    }

    @Test func rootAndEmpty() throws {
        #expect(try DNSName(".").isRoot)
        #expect(DNSName.root.description == ".")
        #expect(throws: DNSCoreError.self) { try DNSName("") }
        #expect(throws: DNSCoreError.self) { try DNSName("a..b") }
        #expect(throws: DNSCoreError.self) { try DNSName(".a") }
        #expect(throws: DNSCoreError.self) { try DNSName("a..") }
    }

    @Test func escapes() throws {
        let escaped = try DNSName(#"a\.b.c\032d.\\x.\255."#)
        #expect(escaped.labels == [Array("a.b".utf8), Array("c d".utf8), Array("\\x".utf8), [255]])
        #expect(escaped.description == #"a\.b.c\032d.\\x.\255."#)
        #expect(try DNSName(escaped.description) == escaped)
        #expect(throws: DNSCoreError.self) { try DNSName(#"a\25"#) }
        #expect(throws: DNSCoreError.self) { try DNSName(#"a\256"#) }
        #expect(throws: DNSCoreError.self) { try DNSName(#"a\"#) }
    }

    @Test func labelAndNameLimitsNameTheValue() throws {
        let label63 = String(repeating: "a", count: 63)
        #expect(try DNSName("\(label63).example").labels[0].count == 63)
        let label64 = String(repeating: "b", count: 64)
        do {
            _ = try DNSName("\(label64).example")
            Issue.record("64-octet label accepted")
        } catch let error as DNSCoreError {
            #expect(error == .labelTooLong(label: label64, length: 64))
            #expect(error.description.contains(label64))
        }
        // 4 labels of 63 = 4*64 + 1 = 257 > 255; 3*64 + 61+1 + 1 = 255 exactly.
        let max = [label63, label63, label63, String(repeating: "c", count: 61)].joined(separator: ".")
        #expect(try DNSName(max).wireLength == 255)
        let over = max + "c"
        do {
            _ = try DNSName(over)
            Issue.record("256-octet name accepted")
        } catch let error as DNSCoreError {
            #expect(error == .nameTooLong(name: over, length: 256))
            #expect(error.description.contains("by 1"))
        }
    }

    @Test func subdomainIsCaseInsensitiveAndLabelAligned() {
        #expect(name("www.Example.com").isSubdomain(of: name("example.COM")))
        #expect(name("example.com").isSubdomain(of: name("example.com")))
        #expect(name("example.com").isSubdomain(of: .root))
        #expect(!name("badexample.com").isSubdomain(of: name("example.com")))
        #expect(!name("com").isSubdomain(of: name("example.com")))
        // A label containing the suffix bytes must not match.
        #expect(!name(#"x\007example.com"#).isSubdomain(of: name("example.com")))
    }

    @Test func parentAndCanonicalOrder() {
        #expect(name("a.b.c").parent == name("b.c"))
        #expect(DNSName.root.parent == nil)
        // RFC 4034 §6.1 example order.
        let ordered = ["example", "a.example", "yljkjljk.a.example", "Z.a.example", "zABC.a.EXAMPLE", "z.example", #"\001.z.example"#, "*.z.example", #"\200.z.example"#]
            .map(name)
        #expect(ordered.shuffled().sorted() == ordered)
    }

    @Test func wireInitValidates() throws {
        #expect(try DNSName(wire: [3, 0x61, 0x62, 0x63, 0]) == name("abc"))
        #expect(throws: DNSCoreError.self) { try DNSName(wire: [3, 0x61, 0]) }
        #expect(throws: DNSCoreError.self) { try DNSName(wire: [0xC0, 0x0C]) }
        #expect(throws: DNSCoreError.self) { try DNSName(wire: [0, 0]) }
    }

    @Test func rrTypeAndClassMnemonics() throws {
        #expect(RRType(65280).description == "TYPE65280")
        #expect(try RRType(mnemonic: "TYPE65280") == RRType(65280))
        #expect(try RRType(mnemonic: "txt") == .txt)
        #expect(RRType.caa.description == "CAA")
        #expect(throws: DNSCoreError.self) { try RRType(mnemonic: "NOPE") }
        #expect(try RRClass(mnemonic: "ch") == .ch)
        #expect(RRClass(42).description == "CLASS42")
        #expect(try RRClass(mnemonic: "CLASS42") == RRClass(42))
    }
}
