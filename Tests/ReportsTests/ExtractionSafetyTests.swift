import CompressNIO
import Foundation
import NIOCore
import Testing
import ZIPFoundation
@testable import Reports

/// Strict with danger: size caps before and after decompression, zip bombs and nesting, DOCTYPE.
struct ExtractionSafetyTests {
    static func gzip(_ data: Data) throws -> Data {
        var input = ByteBuffer(bytes: data)
        let output = try input.compress(with: .gzip())
        return Data(output.readableBytesView)
    }

    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }

    @Test func testDecompressionBombRefusedWithClearErrorDefaultLimits() throws {
        // 110 MiB of zeros gzip to ~110 KiB: over the ratio cap long before the 100 MiB cap.
        let bomb = try Self.gzip(Data(count: 110 << 20))
        #expect(bomb.count < 1 << 20)
        let error = reportsError { _ = try ReportExtractor.extract(bomb, what: "bomb.xml.gz") }
        guard case .decompressedTooLarge(let what, let limit, let ratio)? = error else {
            Issue.record("expected a decompression refusal, got \(String(describing: error))")
            return
        }
        #expect(what == "bomb.xml.gz" && ratio && limit == bomb.count * 200)
        #expect(error!.description.hasPrefix("bomb.xml.gz: decompression bomb refused: expands beyond"))
    }

    @Test func testDecompressedSizeCapHoldsWithoutRatio() throws {
        let limits = IngestLimits(maxDecompressedBytes: 1 << 20, maxRatio: 1_000_000)
        let big = try Self.gzip(Data(repeating: UInt8(ascii: " "), count: 3 << 20))
        let error = reportsError { _ = try ReportExtractor.extract(big, what: "big.gz", limits: limits) }
        #expect(error == .decompressedTooLarge(what: "big.gz", limit: 1 << 20, ratio: false))
        #expect(error?.description == "big.gz: decompression bomb refused: expands beyond the 1 MiB decompressed-size limit")
    }

    @Test func testCompressedSizeCapBeforeAnyWork() {
        let limits = IngestLimits(maxCompressedBytes: 1024)
        let data = Data(repeating: UInt8(ascii: " "), count: 2048)
        #expect(reportsError { _ = try ReportExtractor.extract(data, what: "x.xml", limits: limits) }
                == .tooLarge(what: "x.xml", size: 2048, limit: 1024))
    }

    @Test func testOversizedFileRefusedByIngestBeforeReading() throws {
        let world = try ReportsWorld()
        let path = try world.write("huge.xml", aggregateXML(id: "huge", begin: 1, end: 2,
                                                           rows: Array(repeating: Row(ip: "192.0.2.1", count: 1, dkim: true, spf: true), count: 50)))
        let totals = try world.ingest([path], limits: IngestLimits(maxCompressedBytes: 512))
        #expect(totals.rejected.map(\.category) == ["too-large"])
        #expect(try StoredReportCounts.fetch(world.inventory).aggregateReports == 0)
    }

    @Test func testZipBombByDeclaredSizeRefused() throws {
        let archive = try Self.zip([("report.xml", Data(count: 4 << 20))])
        let limits = IngestLimits(maxDecompressedBytes: 1 << 20, maxRatio: 1_000_000)
        let error = reportsError { _ = try ReportExtractor.extract(archive, what: "a.zip", limits: limits) }
        #expect(error == .decompressedTooLarge(what: "a.zip: report.xml", limit: 1 << 20, ratio: false))
    }

    @Test func testZipBombDefaultLimitsRefusedByRatio() throws {
        let archive = try Self.zip([("report.xml", Data(count: 50 << 20))])
        let error = reportsError { _ = try ReportExtractor.extract(archive, what: "a.zip") }
        #expect(error?.category == "decompression-limit")
    }

    @Test func testZipWithTooManyEntriesRefused() throws {
        let entries = (0..<20).map { ("r\($0).xml", aggregateXML(id: "z\($0)", begin: 1, end: 2, rows: [])) }
        let error = reportsError { _ = try ReportExtractor.extract(try Self.zip(entries), what: "many.zip") }
        #expect(error == .tooManyEntries(what: "many.zip", limit: 16))
    }

    @Test func testNestedZipRefusedByNameAndByContent() throws {
        let inner = try Self.zip([("r.xml", aggregateXML(id: "n", begin: 1, end: 2, rows: []))])
        let byName = try Self.zip([("inner.zip", inner)])
        #expect(reportsError { _ = try ReportExtractor.extract(byName, what: "outer.zip") }
                == .nestedArchive(what: "outer.zip", inner: "inner.zip"))
        let byContent = try Self.zip([("report.xml", inner)])
        #expect(reportsError { _ = try ReportExtractor.extract(byContent, what: "outer.zip") }
                == .nestedArchive(what: "outer.zip", inner: "report.xml"))
        let gzipInGzip = try Self.gzip(try Self.gzip(aggregateXML(id: "g", begin: 1, end: 2, rows: [])))
        #expect(reportsError { _ = try ReportExtractor.extract(gzipInGzip, what: "x.gz.gz") }
                == .nestedArchive(what: "x.gz.gz", inner: "gzip stream"))
    }

    @Test func testDoctypeWithExternalEntityRefused() {
        let error = reportsError { _ = try ReportExtractor.extract(try fixture("xxe-doctype.xml"), what: "xxe.xml") }
        #expect(error == .markupDeclaration(what: "xxe.xml", declaration: "DOCTYPE"))
        #expect(error?.description.contains("DOCTYPE declaration refused") == true)
    }

    @Test func testBillionLaughsRefused() {
        #expect(reportsError { _ = try ReportExtractor.extract(try fixture("billion-laughs.xml"), what: "lol.xml") }?.category
                == "doctype-or-entity")
    }

    @Test func testDoctypeInsideGzipRefusedToo() throws {
        let data = try Self.gzip(try fixture("xxe-doctype.xml"))
        #expect(reportsError { _ = try ReportExtractor.extract(data, what: "xxe.xml.gz") }?.category == "doctype-or-entity")
    }

    @Test func testCommentsAndCDATAAreNotDeclarations() {
        #expect(SafeXMLParser.markupDeclaration(in: Data("<!-- c --><a><![CDATA[x]]></a>".utf8)) == nil)
        #expect(SafeXMLParser.markupDeclaration(in: Data("<a/><!entity x>".utf8)) == "ENTITY")
    }

    @Test func testUTF16AndEmptyAndGarbageRefused() {
        var utf16 = Data([0xFF, 0xFE])
        utf16.append("<feedback/>".data(using: .utf16LittleEndian)!)
        #expect(reportsError { _ = try ReportExtractor.extract(utf16, what: "u.xml") } != nil)
        #expect(reportsError { _ = try ReportExtractor.extract(Data(), what: "e.xml") }?.category == "not-a-report")
        #expect(reportsError { _ = try ReportExtractor.extract(Data([0x00, 0x01, 0x02]), what: "g.bin") }?.category == "not-a-report")
    }

    @Test func testCorruptGzipRefused() throws {
        var data = try Self.gzip(aggregateXML(id: "c", begin: 1, end: 2, rows: []))
        data.replaceSubrange(10..<20, with: Data(repeating: 0xFF, count: 10))
        let error = reportsError { _ = try ReportExtractor.extract(data, what: "c.gz") }
        #expect(error != nil)
    }

    @Test func testCompressedWrappersRead() throws {
        #expect(try ReportExtractor.extract(try fixture("microsoft-rfc7489.xml.gz"), what: "g").count == 1)
        #expect(try ReportExtractor.extract(try fixture("google.com!example.com!1767225600!1767311999.zip"), what: "z").count == 1)
        guard case .tls(let tls)? = try ReportExtractor.extract(try fixture("tlsrpt-clean.json.gz"), what: "t").first else {
            Issue.record("expected a TLS report")
            return
        }
        #expect(tls.reportID == "gz-tls-1")
    }
}
