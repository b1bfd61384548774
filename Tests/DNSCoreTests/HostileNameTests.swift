import Testing
@testable import DNSCore

/// C39: malformed names must give a decode error, quickly, never a crash; a pointer to a
/// name that itself ends in a pointer must decode.
@Suite struct HostileNameTests {
    static let header = "12 34 00 00 00 01 00 00 00 00 00 00"

    static let hostile: [(String, [UInt8])] = [
        ("a: QNAME points to itself", hexBytes("12 34 00 00 00 01 00 00 00 00 00 00 c0 0c 00 10 00 01")),
        ("b: pointer beyond end", hexBytes(header + " c0 ff 00 10 00 01")),
        ("c: lone pointer byte", hexBytes(header + " 03 77 77 77 c0")),
        ("d: label length 0x40", hexBytes(header) + [0x40] + [UInt8](repeating: 0x61, count: 64) + [0, 0, 16, 0, 1]),
        ("d: label type 0x80", hexBytes(header + " 80 01 61 00 00 10 00 01")),
        ("d: label type 0x40 extended", hexBytes(header + " 41 00 00 10 00 01")),
        ("e: 256-octet name", hexBytes(header) + Array(repeating: [UInt8(63)] + [UInt8](repeating: 0x61, count: 63), count: 3).flatMap { $0 }
            + [62] + [UInt8](repeating: 0x62, count: 62) + [0, 0, 16, 0, 1]),
        ("pointer into header", hexBytes(header + " 03 77 77 77 c0 02 00 10 00 01")),
        ("two-pointer loop", hexBytes("12 34 00 00 00 01 00 01 00 00 00 00 01 61 00 00 01 00 01")
            + hexBytes("c0 1d 00 01 00 01 00 00 00 3c 00 00") + hexBytes("c0 13")),
    ]

    @Test(arguments: 0..<hostile.count)
    func testC39MalformedNamesAreDecodeErrors(_ index: Int) {
        let (label, bytes) = Self.hostile[index]
        #expect(throws: DNSCoreError.self, "\(label)") { try DNSMessage.decode(bytes) }
    }

    @Test func testC39ExactlyMaximalNameDecodes() throws {
        // 3 × (1+63) + (1+62) + 1 = 256 was (e); one octet less is the legal maximum 255.
        let bytes = hexBytes(Self.header) + Array(repeating: [UInt8(63)] + [UInt8](repeating: 0x61, count: 63), count: 3).flatMap { $0 }
            + [61] + [UInt8](repeating: 0x62, count: 61) + [0, 0, 16, 0, 1]
        let message = try DNSMessage.decode(bytes)
        #expect(message.questions[0].name.wireLength == 255)
    }

    @Test func testC39PointerToNameEndingInPointerDecodes() throws {
        // (f) QNAME example.com at 12; additional: www.example.com (03 www c0 0c) then a
        // record owned by a pointer to that first owner.
        var bytes = hexBytes("12 34 00 00 00 01 00 00 00 00 00 02")
        bytes += [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0] + [0, 1, 0, 1]
        let firstOwner = bytes.count
        bytes += [3] + Array("www".utf8) + [0xC0, 0x0C]
        bytes += [0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]
        bytes += [0xC0, UInt8(firstOwner)]
        bytes += [0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 2]
        let message = try DNSMessage.decode(bytes)
        #expect(message.additional.count == 2)
        #expect(message.additional[0].name == name("www.example.com"))
        #expect(message.additional[1].name == name("www.example.com"))
        #expect(message.additional[1].rdata == .a(192, 0, 2, 2))
    }

    @Test func testC39DeepPointerChainsAreBoundedAndValid() throws {
        // A chain of 200 backwards pointers, each prefixing one label, must either decode
        // (if ≤ 255 octets) or fail with wireNameTooLong, in linear time.
        var bytes = hexBytes("12 34 00 00 00 01 00 00 00 00 00 00") + [1, 0x61, 0] + [0, 1, 0, 1]
        var previous = 12
        var count: UInt16 = 0
        for _ in 0..<200 {
            let here = bytes.count
            bytes += [1, 0x62, 0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            bytes += [0, 1, 0, 1, 0, 0, 0, 1, 0, 0]
            previous = here
            count += 1
        }
        bytes[10] = UInt8(count >> 8)
        bytes[11] = UInt8(count & 0xFF)
        // Record owners reach 2·k+3 octets; beyond 126 links they exceed 255.
        #expect(throws: DNSCoreError.self) { try DNSMessage.decode(bytes) }
        var reader = WireReader(bytes, offset: 12 + 3 + 4 + 14 * 10)
        #expect(try reader.readName().labelCount == 12) // 11 "b" links + "a"
    }
}
