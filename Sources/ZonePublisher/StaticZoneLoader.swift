import CLDNS
import DNSAuthority
import DNSCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one RFC 1035 §5 zone file with libldns and compiles it into a served ``Zone``.
///
/// The origin is the owner of the file's single SOA record (set `$ORIGIN` or write absolute
/// names; relative names need `$ORIGIN`). Every record is kept with its exact wire RDATA (copied
/// out of ldns, names uncompressed and case preserved) and checked by ``ZoneCompiler`` (names
/// inside the origin, one SOA, apex NS, CNAME rules, TXT lengths, one TTL per RRset, no
/// duplicates). `$INCLUDE` is refused. Errors name the file, and syntax errors the line.
public enum StaticZoneLoader {
    /// Reads and compiles the zone file at `path`.
    /// - Throws: ``StaticZoneError``.
    public static func load(path: String) throws(StaticZoneError) -> Zone {
        guard let file = fopen(path, "r") else {
            throw .file(.cannotOpen(path: path, reason: String(cString: strerror(errno))))
        }
        defer { fclose(file) }
        return try compile(records: try records(file: file, sourceName: path, text: { try? String(contentsOfFile: path, encoding: .utf8) }),
                           sourceName: path)
    }

    /// Compiles zone text held in memory (tests); `sourceName` stands for the file in errors.
    /// - Throws: ``StaticZoneError``.
    public static func load(text: String, sourceName: String) throws(StaticZoneError) -> Zone {
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        let result = bytes.withUnsafeMutableBytes { raw -> Result<[ResourceRecord], StaticZoneError> in
            guard let file = fmemopen(raw.baseAddress, raw.count, "r") else {
                return .failure(.file(.cannotOpen(path: sourceName, reason: String(cString: strerror(errno)))))
            }
            defer { fclose(file) }
            return Result { () throws(StaticZoneError) in try records(file: file, sourceName: sourceName, text: { text }) }
        }
        return try compile(records: try result.get(), sourceName: sourceName)
    }

    /// Finds the origin (the SOA owner) and compiles.
    static func compile(records: [ResourceRecord], sourceName: String) throws(StaticZoneError) -> Zone {
        let soas = records.filter { $0.type == .soa }
        guard let soa = soas.first else { throw .missingSOA(path: sourceName) }
        guard soas.count == 1 else { throw .multipleSOA(path: sourceName, count: soas.count) }
        do {
            return try ZoneCompiler.compile(origin: soa.name, records: records)
        } catch {
            throw .invalidZone(path: sourceName, origin: soa.name.description, reason: "\(error)")
        }
    }

    /// Parses every record of `file` with ldns, one at a time; `text` gives the file's text
    /// again, read only to explain a syntax error.
    static func records(file: UnsafeMutablePointer<FILE>, sourceName: String,
                        text: () -> String? = { nil }) throws(StaticZoneError) -> [ResourceRecord] {
        var originPointer: UnsafeMutablePointer<ldns_rdf>?
        var previousPointer: UnsafeMutablePointer<ldns_rdf>?
        defer {
            if let originPointer { ldns_rdf_deep_free(originPointer) }
            if let previousPointer { ldns_rdf_deep_free(previousPointer) }
        }
        guard let buffer = ldns_buffer_new(512) else {
            throw .file(.cannotOpen(path: sourceName, reason: "out of memory"))
        }
        defer { ldns_buffer_free(buffer) }
        var ttl: UInt32 = 3600
        var line: Int32 = 0
        var records: [ResourceRecord] = []
        while feof(file) == 0 {
            var rr: UnsafeMutablePointer<ldns_rr>?
            let status = ldns_rr_new_frm_fp_l(&rr, file, &ttl, &originPointer, &previousPointer, &line)
            defer { if let rr { ldns_rr_free(rr) } }
            switch status {
            case LDNS_STATUS_OK:
                guard let rr else { continue }
                records.append(try record(rr, buffer: buffer, sourceName: sourceName, line: Int(line)))
            case LDNS_STATUS_SYNTAX_EMPTY, LDNS_STATUS_SYNTAX_TTL, LDNS_STATUS_SYNTAX_ORIGIN:
                continue
            case LDNS_STATUS_SYNTAX_INCLUDE:
                throw .file(.syntax(path: sourceName, line: Int(line), reason: "$INCLUDE is not supported"))
            default:
                var reason = LDNSRead.statusText(status)
                if let hint = hint(line: Int(line), of: text()) { reason += "; " + hint }
                throw .file(.syntax(path: sourceName, line: Int(line), reason: reason))
            }
        }
        return records
    }

    /// What libldns's generic "could not parse the RR's rdata" cannot say: a quoted string on
    /// the failing line (or the line before, for a record continued in parentheses) longer than
    /// a TXT character-string may be (255 octets, RFC 1035 §3.3). Nil when there is none.
    static func hint(line: Int, of text: String?) -> String? {
        guard let text, line >= 1 else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for number in [line, line - 1] where number >= 1 && number <= lines.count {
            var longest = 0, current = 0, quoted = false, escaped = false
            for byte in lines[number - 1].utf8 {
                if escaped { escaped = false; current += 1; continue }
                if byte == UInt8(ascii: "\\") && quoted { escaped = true; continue }
                if byte == UInt8(ascii: "\"") {
                    if quoted { longest = max(longest, current) }
                    quoted.toggle(); current = 0
                    continue
                }
                if quoted { current += 1 }
            }
            if longest > 255 {
                return "line \(number) has a quoted string of \(longest) octets, over the 255 a TXT character-string may hold "
                    + "(RFC 1035 §3.3): split it into several quoted strings"
            }
        }
        return nil
    }

    /// Copies one ldns record out as a DNSCore record (RDATA as wire octets, typed later by the
    /// compiler for the types it knows).
    static func record(_ rr: UnsafeMutablePointer<ldns_rr>, buffer: UnsafeMutablePointer<ldns_buffer>, sourceName: String,
                       line: Int) throws(StaticZoneError) -> ResourceRecord {
        func fail(_ reason: String) -> StaticZoneError { .file(.syntax(path: sourceName, line: line, reason: reason)) }
        guard let ownerRdf = ldns_rr_owner(rr) else { throw fail("record without an owner") }
        let owner: DNSName
        do { owner = try DNSName(wire: LDNSRead.octets(ownerRdf)) } catch { throw fail("owner: \(error)") }
        let type = RRType(UInt16(truncatingIfNeeded: ldns_rr_get_type(rr).rawValue))
        let rrClass = RRClass(UInt16(truncatingIfNeeded: ldns_rr_get_class(rr).rawValue))
        ldns_buffer_clear(buffer)
        guard ldns_rr_rdata2buffer_wire(buffer, rr) == LDNS_STATUS_OK else { throw fail("RDATA of \(type) cannot be encoded") }
        let count = ldns_buffer_position(buffer)
        let bytes: [UInt8] = count == 0 ? [] : Array(UnsafeBufferPointer(start: ldns_buffer_begin(buffer), count: count))
        return ResourceRecord(name: owner, rrClass: rrClass, ttl: ldns_rr_ttl(rr), rdata: .unknown(type: type, bytes: bytes))
    }
}
