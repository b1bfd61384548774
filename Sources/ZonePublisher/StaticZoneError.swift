/// Why a static zone file (`herald serve --zones DIR`) cannot be served.
///
/// Every message names the file; syntax errors also name the line.
public enum StaticZoneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The zone directory could not be listed.
    case cannotList(directory: String, reason: String)
    /// libldns could not read the file (open failure or syntax error with its line).
    case file(ZoneFileError)
    /// The file holds no SOA record, so it has no origin (RFC 1035 §5.2).
    case missingSOA(path: String)
    /// The file holds `count` SOA records; a zone has exactly one (RFC 1035 §5.2).
    case multipleSOA(path: String, count: Int)
    /// The zone compiler refused the zone (name outside the origin, CNAME with other data,
    /// missing apex NS, bad RDATA…); `reason` names the owner and type.
    case invalidZone(path: String, origin: String, reason: String)
    /// The zone is the hosted zone H or report zone R, or contains it or lies inside it:
    /// those are built from the inventory and never come from a file.
    case overlapsServedZone(path: String, origin: String, servedZone: String)
    /// Two files define the same origin.
    case duplicateOrigin(path: String, otherPath: String, origin: String)

    public var description: String {
        switch self {
        case .cannotList(let directory, let reason):
            return "zone directory \(directory): \(reason)"
        case .file(let error):
            return error.description
        case .missingSOA(let path):
            return "zone file \(path): no SOA record (the SOA owner is the zone's origin)"
        case .multipleSOA(let path, let count):
            return "zone file \(path): \(count) SOA records, a zone has exactly one"
        case .invalidZone(let path, let origin, let reason):
            return "zone file \(path) (zone \(origin)): \(reason)"
        case .overlapsServedZone(let path, let origin, let servedZone):
            return "zone file \(path): zone \(origin) overlaps \(servedZone), which Herald builds from the inventory; remove the file or rename the zone"
        case .duplicateOrigin(let path, let otherPath, let origin):
            return "zone file \(path): zone \(origin) is already defined by \(otherPath)"
        }
    }
}
