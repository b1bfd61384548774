import Testing
@testable import Inventory

/// RFC 3492 §7.1 sample strings (the case-annotation letters folded to lower case where the
/// RFC prints them mixed, since Herald does not use annotation).
struct PunycodeTests {
    static let vectors: [(String, String, String)] = [
        ("A Arabic (Egyptian)", "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}", "egbpdaj6bu4bxfgehfvwxn"),
        ("B Chinese (simplified)", "\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
        ("I Russian", "\u{043F}\u{043E}\u{0447}\u{0435}\u{043C}\u{0443}\u{0436}\u{0435}\u{043E}\u{043D}\u{0438}\u{043D}\u{0435}\u{0433}\u{043E}\u{0432}\u{043E}\u{0440}\u{044F}\u{0442}\u{043F}\u{043E}\u{0440}\u{0443}\u{0441}\u{0441}\u{043A}\u{0438}", "b1abfaaepdrnnbgefbadotcwatmq2g4l"),
        ("L 3<nen>B<gumi><kinpachi><sensei>", "3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
        ("M <amuro><namie>-with-SUPER-MONKEYS", "\u{5B89}\u{5BA4}\u{5948}\u{7F8E}\u{6075}-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        ("P <pafii>de<runba>", "\u{30D1}\u{30D5}\u{30A3}\u{30FC}de\u{30EB}\u{30F3}\u{30D0}", "de-jg4avhby1noc0d"),
        ("Q <sono><supiido><de>", "\u{305D}\u{306E}\u{30B9}\u{30D4}\u{30FC}\u{30C9}\u{3067}", "d9juau41awczczp"),
        ("S -> $1.00 <-", "-> $1.00 <-", "-> $1.00 <--"),
    ]

    @Test(arguments: vectors)
    func testRFC3492Section7_1Encode(vector: (String, String, String)) {
        #expect(Punycode.encode(vector.1) == vector.2, "\(vector.0)")
    }

    @Test(arguments: vectors)
    func testRFC3492Section7_1Decode(vector: (String, String, String)) {
        #expect(Punycode.decode(vector.2) == vector.1, "\(vector.0)")
    }

    @Test func testDecodeIsCaseInsensitiveForDigits() {
        #expect(Punycode.decode("B1ABFAAEPDRNNBGEFBADOTCWATMQ2G4L") == Punycode.decode("b1abfaaepdrnnbgefbadotcwatmq2g4l"))
    }

    @Test func testDecodeRejectsMalformedInput() {
        #expect(Punycode.decode("bcher-kv!") == nil)      // bad digit
        #expect(Punycode.decode("b\u{FC}cher-kva") == nil) // non-basic before delimiter
        #expect(Punycode.decode("99999999999") == nil)     // overflow
    }

    @Test func testBuecher() {
        #expect(Punycode.encode("bücher") == "bcher-kva")
        #expect(Punycode.decode("bcher-kva") == "bücher")
    }
}
