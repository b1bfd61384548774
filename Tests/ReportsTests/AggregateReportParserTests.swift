import Foundation
import RecordBuilder
import Testing
@testable import Reports

/// RFC 7489 Appendix C and RFC 9990 aggregate reports in the shapes big receivers send.
struct AggregateReportParserTests {
    @Test func testGoogleShapeRFC7489() throws {
        let r = try AggregateReportParser.parse(try fixture("google-rfc7489.xml"), what: "google")
        #expect(r.orgName == "google.com")
        #expect(r.reportID == "13870289104627385001")
        #expect(r.email == "noreply-dmarc-support@google.com")
        #expect(r.begin == 1_767_225_600 && r.end == 1_767_311_999)
        #expect(r.policyDomain == "example.com")
        #expect(r.policy == DMARCPolicy.none)
        #expect(r.schema == .rfc9990)   // <np> is an RFC 9990 field
        #expect(r.records.count == 3)
        #expect(r.records[0].sourceIP == (try AnyIPAddress.parse("192.0.2.10")))
        #expect(r.records[0].count == 1200 && r.records[0].dkimAligned && r.records[0].spfAligned)
        #expect(r.records[1].dkimDomains == ["sendgrid.net"])
        #expect(!r.records[1].dmarcPass)
        #expect(r.records[2].sourceIP.description == "2001:db8::7")   // RFC 5952 form
        #expect(r.messageCount == 1540)
    }

    @Test func testMicrosoftShapeWithVersionAndSchemaNamespaces() throws {
        let r = try AggregateReportParser.parse(try fixture("microsoft-rfc7489.xml"), what: "ms")
        #expect(r.orgName == "Enterprise Outlook")
        #expect(r.schema == .rfc7489)
        #expect(r.records.count == 1)
        #expect(r.records[0].envelopeFrom == "example.com")
        #expect(r.records[0].disposition == .none)
    }

    @Test func testYahooShapeTrimsWhitespaceAndFoldsCase() throws {
        let r = try AggregateReportParser.parse(try fixture("yahoo-rfc7489.xml"), what: "yahoo")
        #expect(r.reportID == "1767312000.845123")
        #expect(r.begin == 1_767_225_600)
        #expect(r.policyDomain == "example.com")
        #expect(r.records[0].count == 2400)
        #expect(!r.records[0].dmarcPass)
    }

    @Test func testMimecastShapeRFC9990NamespaceTestingAndPassDisposition() throws {
        let r = try AggregateReportParser.parse(try fixture("mimecast-rfc9990.xml"), what: "mimecast")
        #expect(r.schema == .rfc9990)
        #expect(r.testing == true)
        #expect(r.policy == .quarantine)
        #expect(r.records[0].disposition == .pass)
    }

    @Test func testPrefixedNamespaceAndMissingPolicyEvaluatedUsesAuthResults() throws {
        let r = try AggregateReportParser.parse(try fixture("prefixed-rfc9990.xml"), what: "prefixed")
        #expect(r.schema == .rfc9990)
        #expect(r.email == nil)
        #expect(r.records.count == 1)
        // No policy_evaluated: DKIM pass for example.com aligns with header_from (relaxed).
        #expect(r.records[0].dkimAligned)
        #expect(!r.records[0].spfAligned)
    }

    @Test func testMissingReportIDNamesTheField() {
        let error = reportsError { _ = try AggregateReportParser.parse(try fixture("missing-report-id.xml"), what: "f.xml") }
        #expect(error == .missingField(what: "f.xml", field: "report_metadata/report_id"))
        #expect(error?.description == "f.xml: missing required field 'report_metadata/report_id'")
    }

    @Test func testBadSourceIPNamesRecordAndValue() {
        let error = reportsError { _ = try AggregateReportParser.parse(try fixture("bad-source-ip.xml"), what: "f.xml") }
        #expect(error == .invalidField(what: "f.xml", field: "record[1]/row/source_ip", value: "192.0.2.300",
                                       reason: "not an IP address"))
    }

    @Test func testTruncatedXMLIsMalformed() {
        let error = reportsError { _ = try AggregateReportParser.parse(try fixture("malformed-truncated.xml"), what: "f.xml") }
        #expect(error?.category == "malformed-xml")
    }

    @Test func testWrongRootIsNotAReport() {
        let error = reportsError { _ = try AggregateReportParser.parse(Data("<html><body/></html>".utf8), what: "f.xml") }
        #expect(error?.category == "not-a-report")
    }

    @Test func testEndBeforeBeginRefused() {
        let data = aggregateXML(id: "x", begin: 200, end: 100, rows: [])
        let error = reportsError { _ = try AggregateReportParser.parse(data, what: "f.xml") }
        #expect(error?.category == "invalid-field")
    }

    @Test func testOverlongReportIDRefused() {
        let long = String(repeating: "x", count: 1025)
        let error = reportsError { _ = try AggregateReportParser.parse(aggregateXML(id: long, begin: 1, end: 2, rows: []), what: "f.xml") }
        #expect(error == .invalidField(what: "f.xml", field: "report_metadata/report_id", value: long, reason: "longer than 1024 characters"))
        #expect(error?.description.contains("has value '\(String(repeating: "x", count: 80))':") == true)
    }

    @Test func testNegativeCountRefused() {
        let data = Data(String(decoding: aggregateXML(id: "x", begin: 1, end: 2, rows: [Row(ip: "192.0.2.1", count: 5, dkim: true, spf: true)]),
                               as: UTF8.self).replacingOccurrences(of: "<count>5</count>", with: "<count>-5</count>").utf8)
        let error = reportsError { _ = try AggregateReportParser.parse(data, what: "f.xml") }
        #expect(error == .invalidField(what: "f.xml", field: "record[1]/row/count", value: "-5", reason: "expected a message count"))
    }
}
