/// Errors of the report module; each names the file or field and the offending value.
///
/// Ingestion errors say why one file was refused (it is skipped and nothing of it is stored);
/// ``category`` groups them for the totals `herald reports ingest` prints.
public enum ReportsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A report file could not be used; `path` is the file, `reason` says why.
    case unusableFile(path: String, reason: String)
    /// The input is larger than the cap before decompression (bytes, cap in bytes).
    case tooLarge(what: String, size: Int, limit: Int)
    /// Decompressing `what` would exceed `limit` bytes (the decompressed cap or the ratio cap).
    case decompressedTooLarge(what: String, limit: Int, ratio: Bool)
    /// A zip archive with more than `limit` entries.
    case tooManyEntries(what: String, limit: Int)
    /// An archive inside an archive (zip in zip, gzip in zip, …) or a message in a message.
    case nestedArchive(what: String, inner: String)
    /// A gzip or zip stream that does not decode.
    case corruptArchive(what: String, detail: String)
    /// XML with a DOCTYPE or ENTITY declaration (refused outright: XXE, billion laughs).
    case markupDeclaration(what: String, declaration: String)
    /// XML that does not parse (line, column, parser message).
    case malformedXML(what: String, detail: String)
    /// JSON that does not parse or is not a TLS-RPT report.
    case malformedJSON(what: String, detail: String)
    /// A required field is missing (`field` is the path, e.g. `report_metadata/report_id`).
    case missingField(what: String, field: String)
    /// A field has a value that cannot be used.
    case invalidField(what: String, field: String, value: String, reason: String)
    /// The bytes are none of: aggregate report XML, TLS-RPT JSON, gzip, zip, MIME message.
    case notAReport(what: String, detail: String)
    /// A MIME message that carries no report attachment.
    case noReportInMessage(what: String)
    /// The file could not be read.
    case unreadable(path: String, detail: String)
    /// A setting or option has a value outside its range (`argument` names it).
    case invalidSetting(argument: String, value: String, reason: String)
    /// The domain is not in the inventory.
    case unknownDomain(String)

    /// A stable short code for totals and exit mapping (`too-large`, `bomb`, `doctype`, …).
    public var category: String {
        switch self {
        case .unusableFile: return "unusable"
        case .tooLarge: return "too-large"
        case .decompressedTooLarge: return "decompression-limit"
        case .tooManyEntries: return "too-many-entries"
        case .nestedArchive: return "nested-archive"
        case .corruptArchive: return "corrupt-archive"
        case .markupDeclaration: return "doctype-or-entity"
        case .malformedXML: return "malformed-xml"
        case .malformedJSON: return "malformed-json"
        case .missingField: return "missing-field"
        case .invalidField: return "invalid-field"
        case .notAReport: return "not-a-report"
        case .noReportInMessage: return "no-report-in-message"
        case .unreadable: return "unreadable"
        case .invalidSetting: return "invalid-setting"
        case .unknownDomain: return "unknown-domain"
        }
    }

    public var description: String {
        switch self {
        case .unusableFile(let path, let reason): return "\(path): \(reason)"
        case .tooLarge(let what, let size, let limit):
            return "\(what): \(ByteCount(size)) exceeds the \(ByteCount(limit)) limit before decompression"
        case .decompressedTooLarge(let what, let limit, let ratio):
            return ratio
                ? "\(what): decompression bomb refused: expands beyond \(ByteCount(limit)) (compression ratio limit)"
                : "\(what): decompression bomb refused: expands beyond the \(ByteCount(limit)) decompressed-size limit"
        case .tooManyEntries(let what, let limit): return "\(what): zip archive with more than \(limit) entries refused"
        case .nestedArchive(let what, let inner): return "\(what): nested archive '\(inner)' refused"
        case .corruptArchive(let what, let detail): return "\(what): corrupt archive: \(detail)"
        case .markupDeclaration(let what, let declaration):
            return "\(what): XML with a \(declaration) declaration refused (external entities and entity expansion are never processed)"
        case .malformedXML(let what, let detail): return "\(what): malformed XML: \(detail)"
        case .malformedJSON(let what, let detail): return "\(what): malformed TLS-RPT JSON: \(detail)"
        case .missingField(let what, let field): return "\(what): missing required field '\(field)'"
        case .invalidField(let what, let field, let value, let reason):
            return "\(what): field '\(field)' has value '\(value.prefix(80))': \(reason)"
        case .notAReport(let what, let detail): return "\(what): not a DMARC or TLS report: \(detail)"
        case .noReportInMessage(let what): return "\(what): message carries no report attachment"
        case .unreadable(let path, let detail): return "\(path): cannot read: \(detail)"
        case .invalidSetting(let argument, let value, let reason): return "\(argument) '\(value)': \(reason)"
        case .unknownDomain(let name): return "domain '\(name)' is not in the inventory"
        }
    }
}

/// A byte count for people: `512 B`, `20 MiB`, `1.5 KiB`.
struct ByteCount: CustomStringConvertible {
    var bytes: Int
    init(_ bytes: Int) { self.bytes = bytes }
    var description: String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) B" }
        return value == value.rounded() ? "\(Int(value)) \(units[unit])" : String(format: "%.1f %@", value, units[unit])
    }
}
