import Testing
@testable import RecordBuilder

/// `isHostName` (LDH labels with `_`, 1…63 octets, at least two labels, at most 253 octets, a
/// letter in the last label) against its first, character-based form.
@Suite struct HostNameTests {
    static func reference(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, name.utf8.count <= 253 else { return false }
        for l in labels {
            guard (1...63).contains(l.utf8.count), l.first != "-", l.last != "-",
                  l.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return false }
        }
        return labels.last!.contains { $0.isLetter }
    }

    @Test func byteWiseCheckMatchesTheReference() {
        let common: [String] = ["a", "b", "Z", "0", "9", "-", "_", ".", "a", "x", "q", "M", "."]
        let rare: [String] = ["é", " ", "@", "\r\n", "\u{0}", "`", "{", "/", ":", "[", "\u{7F}"]
        var rng = SplitMix64(seed: 1035)
        var accepted = 0
        for round in 0..<20_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 14) {
                let pool = rng.next() % 20 == 0 ? rare : common
                s += pool[Int(rng.next() % UInt64(pool.count))]
            }
            if round % 3 == 0 { s = "mail-" + s + ".example.com" }
            #expect(isHostName(s) == Self.reference(s), "\(s.debugDescription)")
            if Self.reference(s) { accepted += 1 }
        }
        for s in ["example.com", "a.b", "-a.com", "a-.com", "a..com", ".a.com", "a.com.", "a.123", "_dmarc.example.com",
                  String(repeating: "a", count: 63) + ".com", String(repeating: "a", count: 64) + ".com",
                  (0..<63).map { _ in "abc" }.joined(separator: ".") + ".co", "com", ""] {
            #expect(isHostName(s) == Self.reference(s), "\(s)")
        }
        #expect(accepted > 3000 && accepted < 17_000, "\(accepted)")
    }
}
