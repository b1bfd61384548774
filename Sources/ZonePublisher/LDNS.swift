import CLDNS
import RecordBuilder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Owned-pointer wrappers for the libldns objects ZonePublisher creates. Each class owns exactly
// one pointer, frees it in `deinit` with the matching ldns destructor, and is used on one thread
// only (no `Sendable`): the values handed out of these wrappers are plain Swift values copied out
// of ldns memory, never borrowed pointers.

/// Owns an `ldns_pkt *`; frees it with `ldns_pkt_free`.
final class LDNSPacket {
    /// The packet; valid for the lifetime of this object.
    let pointer: UnsafeMutablePointer<ldns_pkt>

    /// Takes ownership of `pointer`.
    init(taking pointer: UnsafeMutablePointer<ldns_pkt>) { self.pointer = pointer }

    deinit { ldns_pkt_free(pointer) }

    /// The header ID (RFC 1035 §4.1.1).
    var id: UInt16 { ldns_pkt_id(pointer) }
    /// The TC bit (RFC 1035 §4.1.1).
    var truncated: Bool { ldns_pkt_tc(pointer) }
    /// The RCODE, including none of the EDNS extended bits (RFC 1035 §4.1.1).
    var rcode: UInt8 { UInt8(truncatingIfNeeded: ldns_pkt_get_rcode(pointer).rawValue) }

    /// Records of the answer section, borrowed from the packet (valid while `self` is alive).
    var answer: [UnsafeMutablePointer<ldns_rr>] {
        guard let list = ldns_pkt_answer(pointer) else { return [] }
        let count = ldns_rr_list_rr_count(list)
        return (0..<count).compactMap { ldns_rr_list_rr(list, $0) }
    }
}

/// Owns an `ldns_rdf *`; frees it with `ldns_rdf_deep_free`.
final class LDNSRdf {
    /// The rdata field; valid for the lifetime of this object.
    let pointer: UnsafeMutablePointer<ldns_rdf>

    /// Takes ownership of `pointer`.
    init(taking pointer: UnsafeMutablePointer<ldns_rdf>) { self.pointer = pointer }

    deinit { ldns_rdf_deep_free(pointer) }

    /// A domain-name rdf from presentation text (`"_spf.google.com"`), or `nil` when ldns
    /// rejects it (labels over 63 octets, names over 255 octets, empty labels: RFC 1035 §2.3.4).
    static func domainName(_ text: String) -> LDNSRdf? {
        guard let rdf = ldns_dname_new_frm_str(text) else { return nil }
        return LDNSRdf(taking: rdf)
    }

    /// An address rdf (`LDNS_RDF_TYPE_A` for 4 octets, `LDNS_RDF_TYPE_AAAA` for 16).
    static func address(octets: [UInt8]) -> LDNSRdf? {
        let type: ldns_rdf_type
        switch octets.count {
        case 4: type = LDNS_RDF_TYPE_A
        case 16: type = LDNS_RDF_TYPE_AAAA
        default: return nil
        }
        let rdf = octets.withUnsafeBytes { raw in
            ldns_rdf_new_frm_data(type, raw.count, raw.baseAddress)
        }
        return rdf.map(LDNSRdf.init(taking:))
    }
}

/// Owns an `ldns_resolver *`; frees it with `ldns_resolver_deep_free` (which also frees the
/// nameserver rdfs the resolver copied in `ldns_resolver_push_nameserver`).
final class LDNSResolver {
    /// The resolver; valid for the lifetime of this object.
    let pointer: UnsafeMutablePointer<ldns_resolver>

    /// Takes ownership of `pointer`.
    init(taking pointer: UnsafeMutablePointer<ldns_resolver>) { self.pointer = pointer }

    deinit { ldns_resolver_deep_free(pointer) }
}

/// Small readers that copy values out of ldns memory into Swift values.
enum LDNSRead {
    /// The text of an ldns status code (`ldns_get_errorstr_by_id`).
    static func statusText(_ status: ldns_status) -> String {
        guard let text = ldns_get_errorstr_by_id(status) else { return "ldns status \(status.rawValue)" }
        return String(cString: text)
    }

    /// The presentation text of an rdf (`ldns_rdf2str`), freeing the C string.
    static func text(_ rdf: UnsafePointer<ldns_rdf>) -> String {
        guard let cString = ldns_rdf2str(rdf) else { return "" }
        defer { free(cString) }
        return String(cString: cString)
    }

    /// The mnemonic of an RR type (`TXT`, `TYPE65280`), freeing the C string.
    static func typeName(_ type: UInt16) -> String {
        guard let cString = ldns_rr_type2str(ldns_rr_type(rawValue: UInt32(type))) else { return "TYPE\(type)" }
        defer { free(cString) }
        return String(cString: cString)
    }

    /// The raw octets of an rdf.
    static func octets(_ rdf: UnsafePointer<ldns_rdf>) -> [UInt8] {
        let size = ldns_rdf_size(rdf)
        guard size > 0, let data = ldns_rdf_data(rdf) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A domain name rdf as Herald's key form: lowercase ASCII, no trailing dot, presentation
    /// escapes (`\.`, `\DDD`) kept as ldns writes them. The root is the empty string.
    static func name(_ rdf: UnsafePointer<ldns_rdf>) -> String {
        canonicalName(text(rdf))
    }

    /// Lowercases ASCII letters and drops one trailing dot (unless it is escaped).
    static func canonicalName(_ text: String) -> String {
        var bytes = Array(text.utf8)
        if bytes.last == UInt8(ascii: "."),
           !(bytes.count >= 2 && bytes[bytes.count - 2] == UInt8(ascii: "\\")) {
            bytes.removeLast()
        }
        for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A {
            bytes[index] |= 0x20
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The character-string of a TXT rdf (RFC 1035 §3.3): the octets after the length octet.
    static func characterString(_ rdf: UnsafePointer<ldns_rdf>) -> [UInt8] {
        let all = octets(rdf)
        guard let length = all.first else { return [] }
        return Array(all.dropFirst().prefix(Int(length)))
    }

    /// The typed record data of `rr`, copied out of ldns memory.
    static func recordData(_ rr: UnsafePointer<ldns_rr>) -> ZoneRecordData {
        let type = UInt16(truncatingIfNeeded: ldns_rr_get_type(rr).rawValue)
        let count = ldns_rr_rd_count(rr)
        let fields: [UnsafeMutablePointer<ldns_rdf>] = (0..<count).compactMap { ldns_rr_rdf(rr, $0) }
        func other() -> ZoneRecordData {
            .other(type: ZoneRecordType(type), text: fields.map { text($0) }.joined(separator: " "))
        }
        switch ZoneRecordType(type) {
        case .a:
            let bytes = fields.first.map { octets($0) } ?? []
            guard bytes.count == 4 else { return other() }
            return .a(IPv4Address(bytes[0], bytes[1], bytes[2], bytes[3]))
        case .aaaa:
            let bytes = fields.first.map { octets($0) } ?? []
            guard bytes.count == 16 else { return other() }
            return .aaaa(IPv6Address(octets: bytes))
        case .mx:
            guard fields.count == 2 else { return other() }
            return .mx(preference: ldns_rdf2native_int16(fields[0]), exchange: name(fields[1]))
        case .txt:
            return .txt(fields.map { String(decoding: characterString($0), as: UTF8.self) })
        case .cname:
            guard let target = fields.first else { return other() }
            return .cname(name(target))
        case .ns:
            guard let host = fields.first else { return other() }
            return .ns(name(host))
        case .soa:
            guard fields.count == 7 else { return other() }
            return .soa(ZoneSOAData(
                mname: name(fields[0]), rname: name(fields[1]),
                serial: ldns_rdf2native_int32(fields[2]), refresh: ldns_rdf2native_int32(fields[3]),
                retry: ldns_rdf2native_int32(fields[4]), expire: ldns_rdf2native_int32(fields[5]),
                minimum: ldns_rdf2native_int32(fields[6])))
        default:
            return other()
        }
    }
}
