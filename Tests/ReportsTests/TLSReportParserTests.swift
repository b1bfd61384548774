import Foundation
import Testing
@testable import Reports

/// RFC 8460 §4 TLS reports.
struct TLSReportParserTests {
    @Test func testCleanReport() throws {
        let r = try TLSReportParser.parse(try fixture("tlsrpt-clean.json"), what: "t")
        #expect(r.orgName == "Google Inc.")
        #expect(r.begin == 1_767_225_600 && r.end == 1_767_225_600 + 86_399)
        #expect(r.policies.count == 1)
        #expect(r.policies[0].kind == .sts && r.policies[0].domain == "example.com")
        #expect(r.policies[0].successCount == 5326 && r.policies[0].failureCount == 0 && r.policies[0].failures.isEmpty)
    }

    @Test func testFailureDetailsFractionalDatesAndSeveralPolicies() throws {
        let r = try TLSReportParser.parse(try fixture("tlsrpt-failures.json"), what: "t")
        #expect(r.begin == 1_767_312_000)
        #expect(r.policies.count == 2)
        #expect(r.policies[0].failures.map(\.resultType) == ["certificate-expired", "starttls-not-supported"])
        #expect(r.policies[0].failures.map(\.kind) == [.certificate, .starttls])
        #expect(r.policies[1].kind == .noPolicyFound)
    }

    @Test func testResultTypeClassesRFC8460Section4_3_2() {
        #expect(TLSFailureKind(resultType: "sts-policy-fetch-error") == .policy)
        #expect(TLSFailureKind(resultType: "sts-policy-invalid") == .policy)
        #expect(TLSFailureKind(resultType: "sts-webpki-invalid") == .policy)
        #expect(TLSFailureKind(resultType: "certificate-host-mismatch") == .certificate)
        #expect(TLSFailureKind(resultType: "certificate-not-trusted") == .certificate)
        #expect(TLSFailureKind(resultType: "validation-failure") == .certificate)
        #expect(TLSFailureKind(resultType: "dnssec-invalid") == .other)
    }

    @Test func testMissingReportIDAndBadCounts() {
        let noID = Data(#"{"organization-name":"x","date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-02T00:00:00Z"},"policies":[]}"#.utf8)
        #expect(reportsError { _ = try TLSReportParser.parse(noID, what: "t") } == .missingField(what: "t", field: "report-id"))
        let badCount = Data(#"{"organization-name":"x","report-id":"r","date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-02T00:00:00Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.com"},"summary":{"total-successful-session-count":"many","total-failure-session-count":0}}]}"#.utf8)
        #expect(reportsError { _ = try TLSReportParser.parse(badCount, what: "t") }?.category == "invalid-field")
        #expect(reportsError { _ = try TLSReportParser.parse(Data("{nope".utf8), what: "t") }?.category == "malformed-json")
        #expect(reportsError { _ = try TLSReportParser.parse(Data("[1]".utf8), what: "t") }?.category == "malformed-json")
    }
}
