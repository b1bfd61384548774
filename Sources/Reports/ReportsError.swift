/// Errors of the report ingestion module; each names the file or field and the value.
public enum ReportsError: Error, CustomStringConvertible, Sendable {
    /// A report file could not be used; `path` is the file, `reason` says why.
    case unusableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .unusableFile(let path, let reason): return "\(path): \(reason)"
        }
    }
}
