import Testing
@testable import Inventory
import RecordBuilder

/// Validation of operator input: every refusal names the argument and the value.
struct ValueParsingTests {
    // MARK: Domain names (RFC 1035 §2.3.4, RFC 5891, RFC 3492)

    @Test func testDomainNameIsLowercasedAndTrailingDotDropped() throws {
        #expect(try name("Example.COM.").text == "example.com")
    }

    @Test func testULabelIsConvertedToALabelAndShownBack() throws {
        let n = try name("Bücher.Example")
        #expect(n.text == "xn--bcher-kva.example")
        #expect(n.unicode == "bücher.example")
        #expect(n.isInternationalized)
        // An ideographic full stop separates labels too (IDNA2003 §3.1).
        #expect(try name("例え\u{3002}テスト").text == "xn--r8jz45g.xn--zckzah")
    }

    @Test func testALabelInputIsCheckedToDecode() throws {
        #expect(try name("xn--bcher-kva.example").unicode == "bücher.example")
        let error = inventoryError { _ = try name("xn--zz!.example") }
        #expect(error != nil)
        let bogus = inventoryError { _ = try name("xn--abc-.example") }
        #expect(bogus?.description.contains("xn--abc-") == true)
    }

    @Test(arguments: [
        ("", "empty"),
        (".", "empty"),
        ("example..com", "label 2 is empty"),
        (".example.com", "label 1 is empty"),
        ("exa mple.com", "' '"),
        ("exa_mple.com", "'_'"),
        ("-example.com", "starts or ends with '-'"),
        ("example-.com", "starts or ends with '-'"),
        ("ab--cd.com", "reserved"),
        ("com", "at least two labels"),
        ("192.0.2.1", "all digits"),
        ("ex☃mple.com", "U+2603"),
    ])
    func testBadDomainNamesAreRefusedWithTheValue(input: String, fragment: String) {
        let error = inventoryError { _ = try InventoryName(parsing: input, argument: "DOMAIN") }
        guard case let .invalidValue(argument, value, reason)? = error else {
            Issue.record("expected invalidValue for '\(input)', got \(String(describing: error))")
            return
        }
        #expect(argument == "DOMAIN")
        #expect(value == input)
        #expect(reason.contains(fragment), "\(reason)")
        #expect(error!.description.contains("'\(input)'"))
    }

    @Test func testLabelOver63AndNameOver255AreRefused() throws {
        let label63 = String(repeating: "a", count: 63)
        #expect(try name("\(label63).com").text.count == 67)
        let long = inventoryError { _ = try name(String(repeating: "a", count: 64) + ".com") }
        #expect(long?.description.contains("64 octets") == true)
        // 4 labels of 63 + ".co" = 63*4 + 3 + 3 = 258 text octets -> 260 wire.
        let huge = Array(repeating: label63, count: 4).joined(separator: ".") + ".co"
        let error = inventoryError { _ = try name(huge) }
        #expect(error?.description.contains("255") == true)
        // Exactly 253 text octets (255 on the wire) is fine.
        let fits = Array(repeating: label63, count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 61)
        #expect(try name(fits).wireLength == 255)
    }

    @Test func testULabelWhoseALabelExceeds63IsRefused() {
        let error = inventoryError { _ = try name(String(repeating: "ü", count: 60) + ".example") }
        #expect(error?.description.contains("as the A-label") == true)
    }

    @Test func testServiceNamesMayHoldUnderscore() throws {
        #expect(try InventoryName(parsing: "_spf.google.com", argument: "--spf", kind: .serviceName).text == "_spf.google.com")
    }

    // MARK: CIDR (RFC 4632 §3.1, RFC 4291 §2.3)

    @Test func testCIDRCanonicalText() throws {
        #expect(try cidr("192.0.2.0/24").description == "192.0.2.0/24")
        #expect(try cidr("192.0.2.7").description == "192.0.2.7/32")
        #expect(try cidr("2001:DB8:0:0::/32").description == "2001:db8::/32")
        #expect(try cidr("2001:db8:0:0:1:0:0:1").description == "2001:db8::1:0:0:1/128")
        #expect(try cidr("0.0.0.0/0").description == "0.0.0.0/0")
    }

    @Test func testC14HostBitsAreRefusedWithTheNetwork() {
        let error = inventoryError { _ = try cidr("192.0.2.173/30") }
        guard case let .invalidValue(argument, value, reason)? = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(argument == "CIDR")
        #expect(value == "192.0.2.173/30")
        #expect(reason.contains("192.0.2.172/30"))
        let v6 = inventoryError { _ = try cidr("2001:db8:c003:104::215/64") }
        #expect(v6?.description.contains("2001:db8:c003:104::/64") == true)
    }

    @Test(arguments: ["192.0.2", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/", "2001:db8::/129", "example.com/24",
                      "192.0.2.0/+8", "192.0.2.0/24/8", "::ffff:192.0.2.1/200"])
    func testBadCIDRIsRefused(input: String) {
        let error = inventoryError { _ = try cidr(input) }
        guard case let .invalidValue(_, value, _)? = error else {
            Issue.record("expected invalidValue for \(input)")
            return
        }
        #expect(value == input)
    }

    // MARK: URIs (RFC 7489 §6.2, RFC 8460 §3)

    @Test func testReportURIs() throws {
        let dmarc = try ReportURI(parsing: "mailto:Agg@Example.COM", argument: "--rua", schemes: .mailtoOnly)
        #expect(dmarc.description == "mailto:Agg@example.com")
        #expect(dmarc.mailDomain == "example.com")
        let tls = try ReportURI(parsing: "https://Reports.Example.com/tlsrpt", argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS)
        #expect(tls.description == "https://reports.example.com/tlsrpt")
    }

    @Test(arguments: [
        ("agg@example.com", "must start with 'mailto:'"),
        ("https://example.com/x", "only 'mailto:'"),
        ("mailto:", "no '@'"),
        ("mailto:@example.com", "local part"),
        ("mailto:a@", "empty"),
        ("mailto:a b@example.com", "spaces"),
        ("mailto:a@example.com;p=reject", "';'"),
        ("ftp://example.com", "must start with"),
    ])
    func testBadDMARCURIsAreRefused(input: String, fragment: String) {
        let error = inventoryError { _ = try ReportURI(parsing: input, argument: "--rua", schemes: .mailtoOnly) }
        #expect(error?.description.contains("--rua") == true)
        #expect(error?.description.contains(input) == true)
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
    }

    // MARK: MTA-STS patterns (RFC 8461 §3.2, §4.1)

    @Test func testMXPatterns() throws {
        let plain = try MXPattern(parsing: "Mail.Example.com.", argument: "--mx")
        #expect(plain.text == "mail.example.com")
        #expect(plain.matches("mail.example.com"))
        let wild = try MXPattern(parsing: "*.mail.protection.example.net", argument: "--mx")
        #expect(wild.isWildcard)
        #expect(wild.matches("a.mail.protection.example.net"))
        #expect(!wild.matches("a.b.mail.protection.example.net"))
        #expect(!wild.matches("mail.protection.example.net"))
    }

    @Test(arguments: ["192.0.2.25", "[192.0.2.25]", "2001:db8::25", "mail.*.example.com", "*mail.example.com",
                      "*.com", "**.example.com", "10.1", "mail..example.com"])
    func testBadMXPatternsAreRefused(input: String) {
        let error = inventoryError { _ = try MXPattern(parsing: input, argument: "--mx") }
        guard case let .invalidValue(argument, value, _)? = error else {
            Issue.record("expected invalidValue for \(input), got \(String(describing: error))")
            return
        }
        #expect(argument == "--mx")
        #expect(value == input)
    }

    // MARK: Sender slugs

    @Test func testSlugs() throws {
        #expect(try slug("Google-Workspace").text == "google-workspace")
        for bad in ["", "-x", "x-", "a_b", "a.b", String(repeating: "a", count: 64)] {
            #expect(inventoryError { _ = try slug(bad) } != nil, "\(bad)")
        }
    }

    @Test func testCloseMatches() throws {
        let catalog = try ["google-workspace", "microsoft-365", "mailgun", "mailgun-eu", "mailjet", "sendgrid"].map(slug)
        #expect(try slug("google").closeMatches(in: catalog).map(\.text) == ["google-workspace"])
        #expect(try slug("sendgird").closeMatches(in: catalog).map(\.text) == ["sendgrid"])
        #expect(try slug("mailgum").closeMatches(in: catalog).first?.text == "mailgun")
        #expect(try slug("zzz").closeMatches(in: catalog).isEmpty)
    }
}
