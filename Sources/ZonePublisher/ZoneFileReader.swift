import CLDNS
import RecordBuilder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A DNS RR type code (RFC 1035 §3.2.2), with names for the types Herald reads.
public struct ZoneRecordType: Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit type code.
    public var code: UInt16

    /// Wraps a type code.
    public init(_ code: UInt16) { self.code = code }

    /// `A`, 1 (RFC 1035 §3.4.1).
    public static let a = ZoneRecordType(1)
    /// `NS`, 2 (RFC 1035 §3.3.11).
    public static let ns = ZoneRecordType(2)
    /// `CNAME`, 5 (RFC 1035 §3.3.1).
    public static let cname = ZoneRecordType(5)
    /// `SOA`, 6 (RFC 1035 §3.3.13).
    public static let soa = ZoneRecordType(6)
    /// `MX`, 15 (RFC 1035 §3.3.9).
    public static let mx = ZoneRecordType(15)
    /// `TXT`, 16 (RFC 1035 §3.3.14).
    public static let txt = ZoneRecordType(16)
    /// `AAAA`, 28 (RFC 3596 §2.1).
    public static let aaaa = ZoneRecordType(28)

    /// The mnemonic as libldns prints it (`TXT`, `TYPE65280` for unknown codes, RFC 3597 §5).
    public var description: String { LDNSRead.typeName(code) }
}

/// SOA RDATA (RFC 1035 §3.3.13). Names in key form (lowercase, no trailing dot); times in seconds.
public struct ZoneSOAData: Hashable, Sendable {
    /// Primary name server.
    public var mname: String
    /// Responsible mailbox, as a domain name.
    public var rname: String
    /// Zone serial number (RFC 1982 arithmetic).
    public var serial: UInt32
    /// Refresh interval, seconds.
    public var refresh: UInt32
    /// Retry interval, seconds.
    public var retry: UInt32
    /// Expire limit, seconds.
    public var expire: UInt32
    /// Negative-caching TTL, seconds (RFC 2308 §4).
    public var minimum: UInt32

    /// Memberwise initializer.
    public init(mname: String, rname: String, serial: UInt32, refresh: UInt32, retry: UInt32,
                expire: UInt32, minimum: UInt32) {
        self.mname = mname; self.rname = rname; self.serial = serial; self.refresh = refresh
        self.retry = retry; self.expire = expire; self.minimum = minimum
    }
}

/// Typed RDATA of one record read from a zone file.
///
/// Names are in key form: lowercase ASCII, no trailing dot (presentation escapes kept).
public enum ZoneRecordData: Hashable, Sendable {
    /// IPv4 address (RFC 1035 §3.4.1).
    case a(IPv4Address)
    /// IPv6 address (RFC 3596 §2.2).
    case aaaa(IPv6Address)
    /// Mail exchange with its preference, lower first (RFC 1035 §3.3.9).
    case mx(preference: UInt16, exchange: String)
    /// The character-strings of one TXT record, in order, each ≤ 255 octets (RFC 1035 §3.3.14).
    /// Octets that are not UTF-8 are replaced by U+FFFD.
    case txt([String])
    /// Canonical name target (RFC 1035 §3.3.1).
    case cname(String)
    /// Name server host (RFC 1035 §3.3.11).
    case ns(String)
    /// Start of authority (RFC 1035 §3.3.13).
    case soa(ZoneSOAData)
    /// Any other type, as its presentation-format RDATA text (fields separated by one space).
    case other(type: ZoneRecordType, text: String)

    /// The RR type of this data.
    public var type: ZoneRecordType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .mx: .mx
        case .txt: .txt
        case .cname: .cname
        case .ns: .ns
        case .soa: .soa
        case .other(let type, _): type
        }
    }
}

/// One resource record read from a zone file (RFC 1035 §5.1).
public struct ZoneRecord: Hashable, Sendable {
    /// Owner name in key form: lowercase ASCII, no trailing dot (`_spf.google.com`).
    public var owner: String
    /// Time to live, seconds.
    public var ttl: UInt32
    /// Typed RDATA.
    public var data: ZoneRecordData

    /// The RR type (from `data`).
    public var type: ZoneRecordType { data.type }

    /// Memberwise initializer. `owner` is stored as given: pass key form.
    public init(owner: String, ttl: UInt32, data: ZoneRecordData) {
        self.owner = owner; self.ttl = ttl; self.data = data
    }
}

/// Why a zone file could not be read.
public enum ZoneFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at `path` could not be opened; `reason` is the `strerror` text.
    case cannotOpen(path: String, reason: String)
    /// libldns rejected the file at `line` (1-based, as counted by ldns); `reason` is its message.
    case syntax(path: String, line: Int, reason: String)
    /// The `origin` argument is not a valid domain name.
    case invalidOrigin(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "zone file \(path): cannot open: \(reason)"
        case .syntax(let path, let line, let reason):
            return "zone file \(path), line \(line): \(reason)"
        case .invalidOrigin(let origin):
            return "zone file origin \"\(origin)\" is not a valid domain name"
        }
    }
}

/// Reads RFC 1035 §5 master files with libldns into ``ZoneRecord`` values.
///
/// Records are parsed one by one with `ldns_rr_new_frm_fp_l`: `$TTL` (RFC 2308 §4), `$ORIGIN`,
/// blank owners and parentheses are handled by ldns; `$INCLUDE` is refused. A record without a
/// TTL gets the last `$TTL` (or `defaultTTL`). Class is assumed to be IN. Records keep file order,
/// every SOA included. Everything ldns allocates is freed before return, on errors too.
public enum ZoneFileReader {
    /// Reads the zone file at `path`.
    ///
    /// - Parameters:
    ///   - path: file system path of the zone file.
    ///   - origin: origin for relative names and `@` (absolute, with or without trailing dot);
    ///     `nil` means the file must use absolute names or set `$ORIGIN`.
    ///   - defaultTTL: TTL in seconds for records before any `$TTL` that give none.
    /// - Throws: ``ZoneFileError`` naming the file and, for syntax errors, the line.
    public static func read(path: String, origin: String? = nil,
                            defaultTTL: UInt32 = 3600) throws(ZoneFileError) -> [ZoneRecord] {
        guard let file = fopen(path, "r") else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        return try parse(file: file, sourceName: path, origin: origin, defaultTTL: defaultTTL)
    }

    /// Parses zone text held in memory (for tests and tables of cases written as zone text).
    ///
    /// - Parameters:
    ///   - text: RFC 1035 §5 master-file text.
    ///   - sourceName: the name used for this text in error messages.
    ///   - origin, defaultTTL: as for ``read(path:origin:defaultTTL:)``.
    /// - Throws: ``ZoneFileError`` naming `sourceName` and the line.
    public static func parse(text: String, sourceName: String = "<zone text>", origin: String? = nil,
                             defaultTTL: UInt32 = 3600) throws(ZoneFileError) -> [ZoneRecord] {
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        let result = bytes.withUnsafeMutableBytes { raw -> Result<[ZoneRecord], ZoneFileError> in
            guard let file = fmemopen(raw.baseAddress, raw.count, "r") else {
                return .failure(.cannotOpen(path: sourceName, reason: String(cString: strerror(errno))))
            }
            defer { fclose(file) }
            return Result { () throws(ZoneFileError) in
                try parse(file: file, sourceName: sourceName, origin: origin, defaultTTL: defaultTTL)
            }
        }
        return try result.get()
    }

    private static func parse(file: UnsafeMutablePointer<FILE>, sourceName: String, origin: String?,
                              defaultTTL: UInt32) throws(ZoneFileError) -> [ZoneRecord] {
        // ldns updates `origin` ($ORIGIN) and `previous` (owner of the last record, for lines
        // that start with blanks) in place, freeing the values it replaces; we free the last ones.
        var originPointer: UnsafeMutablePointer<ldns_rdf>?
        var previousPointer: UnsafeMutablePointer<ldns_rdf>?
        defer {
            if let originPointer { ldns_rdf_deep_free(originPointer) }
            if let previousPointer { ldns_rdf_deep_free(previousPointer) }
        }
        if let origin {
            let absolute = origin.hasSuffix(".") ? origin : origin + "."
            guard let rdf = ldns_dname_new_frm_str(absolute) else { throw .invalidOrigin(origin) }
            originPointer = rdf
            previousPointer = ldns_rdf_clone(rdf)
        }
        var ttl = defaultTTL
        var line: Int32 = 0
        var records: [ZoneRecord] = []
        // One record at a time (not ldns_zone_new_frm_fp_l): every SOA is kept, each record is
        // freed as soon as it is copied, and nothing leaks on a syntax error.
        while feof(file) == 0 {
            var rr: UnsafeMutablePointer<ldns_rr>?
            let status = ldns_rr_new_frm_fp_l(&rr, file, &ttl, &originPointer, &previousPointer, &line)
            defer { if let rr { ldns_rr_free(rr) } }
            switch status {
            case LDNS_STATUS_OK:
                guard let rr else { continue }
                records.append(ZoneRecord(owner: ldns_rr_owner(rr).map { LDNSRead.name($0) } ?? "",
                                          ttl: ldns_rr_ttl(rr), data: LDNSRead.recordData(rr)))
            case LDNS_STATUS_SYNTAX_EMPTY, LDNS_STATUS_SYNTAX_TTL, LDNS_STATUS_SYNTAX_ORIGIN:
                continue
            case LDNS_STATUS_SYNTAX_INCLUDE:
                throw .syntax(path: sourceName, line: Int(line), reason: "$INCLUDE is not supported")
            default:
                throw .syntax(path: sourceName, line: Int(line), reason: LDNSRead.statusText(status))
            }
        }
        return records
    }
}
