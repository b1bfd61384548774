import Foundation

/// Finds the reports in one input's bytes, whatever the wrapping: aggregate report XML, TLS-RPT
/// JSON, gzip (RFC 1952), zip, or a MIME message carrying any of those as attachments.
///
/// The kind is decided by content (magic bytes, first non-blank character, header fields), not
/// by file name, so `report.xml` that is really gzip still reads. Nesting is bounded: a message
/// may carry gzip, zip, XML or JSON; gzip and zip may carry only XML or JSON. Anything else
/// inside an archive is refused (``ReportsError/nestedArchive(what:inner:)``). Every limit of
/// ``IngestLimits`` applies at each step. One bad report refuses the whole input.
public enum ReportExtractor {
    /// The reports in `data`.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - what: names the input in errors (the path).
    /// - Throws: ``ReportsError``, naming the input (and the attachment or entry) and why.
    public static func extract(_ data: Data, what: String, limits: IngestLimits = IngestLimits()) throws -> [ExtractedReport] {
        guard data.count <= limits.maxCompressedBytes else {
            throw ReportsError.tooLarge(what: what, size: data.count, limit: limits.maxCompressedBytes)
        }
        return try extract(data, what: what, level: .file, limits: limits)
    }

    /// Where in the nesting an input sits.
    enum Level {
        /// A file as read from disk: anything.
        case file
        /// A message attachment: gzip, zip, XML or JSON.
        case attachment
        /// Inside gzip or zip: XML or JSON only.
        case archived
    }

    /// What the bytes look like.
    enum Kind: Equatable {
        case gzip, zip, xml, json, message, unknown
    }

    /// The kind of `data` from its first bytes.
    static func sniff(_ data: Data) -> Kind {
        if GzipDecoder.isGzip(data) { return .gzip }
        if ZipExtractor.isZip(data) { return .zip }
        var index = data.startIndex
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }   // UTF-8 BOM
        while index < data.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(data[index]) { index += 1 }
        if index < data.endIndex {
            if data[index] == UInt8(ascii: "<") { return .xml }
            if data[index] == UInt8(ascii: "{") { return .json }
        }
        if MIMEMessage.looksLikeMessage(data) { return .message }
        return .unknown
    }

    static func extract(_ data: Data, what: String, level: Level, limits: IngestLimits) throws -> [ExtractedReport] {
        let kind = sniff(data)
        switch (kind, level) {
        case (.xml, _):
            return [.aggregate(try AggregateReportParser.parse(data, what: what))]
        case (.json, _):
            return [.tls(try TLSReportParser.parse(data, what: what))]
        case (.gzip, .file), (.gzip, .attachment):
            let inner = try GzipDecoder.decompress(data, what: what, limits: limits)
            return try extract(inner, what: what, level: .archived, limits: limits)
        case (.zip, .file), (.zip, .attachment):
            let entries = try ZipExtractor.entries(data, what: what, limits: limits)
            guard !entries.isEmpty else { throw ReportsError.notAReport(what: what, detail: "zip archive with no files") }
            return try entries.flatMap { entry in
                try extract(entry.data, what: "\(what): \(entry.name)", level: .archived, limits: limits)
            }
        case (.gzip, .archived), (.zip, .archived):
            throw ReportsError.nestedArchive(what: what, inner: kind == .gzip ? "gzip stream" : "zip archive")
        case (.message, .file):
            var reports: [ExtractedReport] = []
            for attachment in try MIMEMessage.attachments(data, what: what, limits: limits) {
                let inner = sniff(attachment.data)
                guard inner != .unknown && inner != .message else { continue }   // a logo, a signature: not ours
                reports += try extract(attachment.data, what: "\(what): attachment \(attachment.name)", level: .attachment,
                                       limits: limits)
            }
            guard !reports.isEmpty else { throw ReportsError.noReportInMessage(what: what) }
            return reports
        case (.message, _), (.unknown, _):
            let head = data.prefix(16).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ReportsError.notAReport(what: what, detail: data.isEmpty ? "empty" : "unrecognised content (starts \(head))")
        }
    }
}
