import Foundation
import Testing
@testable import Reports

/// RFC 2045/2046 attachments as receivers send them (RFC 7489 §7.2.1.1, RFC 8460 §5.3).
struct MIMEMessageTests {
    @Test func testYahooMessageWithBase64GzipAttachment() throws {
        let reports = try ReportExtractor.extract(try fixture("yahoo-report.eml"), what: "y.eml")
        guard reports.count == 1, case .aggregate(let report) = reports[0] else {
            Issue.record("expected one aggregate report, got \(reports)")
            return
        }
        #expect(report.orgName == "Yahoo" && report.reportID == "eml-copy-0001")
    }

    @Test func testNestedMultipartQuotedPrintableXMLAndLFLineEndings() throws {
        let xml = String(decoding: aggregateXML(id: "qp-1", begin: 1, end: 2, rows: [Row(ip: "192.0.2.1", count: 3, dkim: true, spf: false)]),
                         as: UTF8.self)
        let qp = xml.replacingOccurrences(of: "=", with: "=3D")
        let message = """
            From: reports@example.net
            To: dmarc@reports.example.net
            Subject: Report Domain: example.com
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain

            hello
            --inner
            Content-Type: text/html

            <p>hello</p>
            --inner--
            --outer
            Content-Type: text/xml; name="report.xml"
            Content-Transfer-Encoding: quoted-printable

            \(qp)
            --outer
            Content-Type: image/png; name="logo.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --outer--
            """
        let reports = try ReportExtractor.extract(Data(message.utf8), what: "m.eml")
        guard reports.count == 1, case .aggregate(let report) = reports[0] else {
            Issue.record("expected one aggregate report, got \(reports)")
            return
        }
        #expect(report.reportID == "qp-1" && report.records.count == 1)
    }

    @Test func testTLSRPTGzipPart() throws {
        let body = try fixture("tlsrpt-clean.json.gz").base64EncodedString(options: .lineLength76Characters)
        let message = "From: a@example.net\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nTLS report\r\n--b\r\nContent-Type: application/tlsrpt+gzip\r\n"
            + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"r.json.gz\"\r\n\r\n\(body)\r\n--b--\r\n"
        guard case .tls(let report)? = try ReportExtractor.extract(Data(message.utf8), what: "t.eml").first else {
            Issue.record("expected a TLS report")
            return
        }
        #expect(report.reportID == "gz-tls-1")
    }

    @Test func testMessageWithoutReportRefused() {
        let message = "From: a@example.net\nSubject: hi\nContent-Type: text/plain\n\njust text\n"
        #expect(reportsError { _ = try ReportExtractor.extract(Data(message.utf8), what: "n.eml") } == .noReportInMessage(what: "n.eml"))
    }

    @Test func testMultipartWithoutBoundaryRefused() {
        let message = "From: a@example.net\nContent-Type: multipart/mixed\n\n--x\n\n--x--\n"
        #expect(reportsError { _ = try ReportExtractor.extract(Data(message.utf8), what: "n.eml") }?.category == "not-a-report")
    }

    @Test func testOversizedAttachmentRefused() {
        let payload = Data(repeating: UInt8(ascii: "<"), count: 3000).base64EncodedString()
        let message = "From: a@example.net\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/xml; name=r.xml\n"
            + "Content-Transfer-Encoding: base64\n\n\(payload)\n--b--\n"
        let limits = IngestLimits(maxCompressedBytes: 2048)
        #expect(reportsError { _ = try ReportExtractor.extract(Data(message.utf8), what: "big.eml", limits: limits) }?.category
                == "too-large")
    }

    @Test func testHeaderParametersAndFolding() {
        let (type, parameters) = MIMEMessage.parseParameters(#"application/gzip; name="a;b.xml.gz"; boundary=XYZ"#)
        #expect(type == "application/gzip" && parameters["name"] == "a;b.xml.gz" && parameters["boundary"] == "XYZ")
        let (headers, body) = MIMEMessage.split(Data("Subject: a\r\n b\r\nX: 1\r\n\r\nbody".utf8))
        #expect(headers["subject"] == "a b" && headers["x"] == "1" && String(decoding: body, as: UTF8.self) == "body")
        #expect(MIMEMessage.quotedPrintable(Data("a=3Db=\r\nc".utf8)) == Data("a=bc".utf8))
    }
}
