import CLDNS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A record decoded by libldns, copied out into Swift values.
struct LDNSRecord: Sendable, Equatable {
    /// Owner in ldns presentation form (absolute, trailing dot).
    var owner: String
    /// RR TYPE code (16 = TXT, 6 = SOA).
    var type: UInt16
    /// TTL in seconds.
    var ttl: UInt32
    /// Each RDATA field in ldns presentation form.
    var fields: [String]
    /// Each RDATA field's raw octets as ldns holds them (for TXT: length octet + string).
    var rawFields: [[UInt8]]

    /// TXT character-strings: each raw field minus its length octet. Empty for other types.
    var txtStrings: [[UInt8]] {
        guard type == 16 else { return [] }
        return rawFields.map { Array($0.dropFirst()) }
    }
    /// TXT strings joined without separators (RFC 7208 §3.3).
    var txtText: String { String(decoding: txtStrings.joined(), as: UTF8.self) }
}

/// A DNS message decoded by libldns (`ldns_wire2pkt`): an independent second decoder beside
/// dig/kdig and the product's own codec. Every value is copied out; nothing borrows ldns memory.
struct LDNSDecoded: Sendable {
    var id: UInt16
    var qr: Bool
    var aa: Bool
    var tc: Bool
    var rd: Bool
    var ra: Bool
    /// Header OPCODE (RFC 1035 §4.1.1).
    var opcode: Int
    /// Header RCODE (low 4 bits; RFC 1035 §4.1.1).
    var rcode: Int
    /// Whether the message carried an OPT record (RFC 6891).
    var hasEDNS: Bool
    /// The question owner as ldns prints it (case as on the wire).
    var questionName: String?
    var questionCount: Int
    var answer: [LDNSRecord]
    var authority: [LDNSRecord]
    var additionalCount: Int

    /// Decodes `wire`; throws with ldns's status text when ldns rejects the message.
    init(_ wire: [UInt8]) throws {
        var packet: UnsafeMutablePointer<ldns_pkt>? = nil
        let status = wire.withUnsafeBufferPointer { ldns_wire2pkt(&packet, $0.baseAddress, $0.count) }
        guard status == LDNS_STATUS_OK, let pkt = packet else {
            if let packet { ldns_pkt_free(packet) }
            let reason = ldns_get_errorstr_by_id(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
            throw HarnessError("libldns cannot decode the \(wire.count)-octet message: \(reason)")
        }
        defer { ldns_pkt_free(pkt) }
        id = ldns_pkt_id(pkt)
        qr = ldns_pkt_qr(pkt)
        aa = ldns_pkt_aa(pkt)
        tc = ldns_pkt_tc(pkt)
        rd = ldns_pkt_rd(pkt)
        ra = ldns_pkt_ra(pkt)
        opcode = Int(ldns_pkt_get_opcode(pkt).rawValue)
        rcode = Int(ldns_pkt_get_rcode(pkt).rawValue)
        hasEDNS = ldns_pkt_edns(pkt)
        questionCount = Int(ldns_pkt_qdcount(pkt))
        additionalCount = Int(ldns_pkt_arcount(pkt))
        let questions = LDNSDecoded.records(ldns_pkt_question(pkt))
        questionName = questions.first?.owner
        answer = LDNSDecoded.records(ldns_pkt_answer(pkt))
        authority = LDNSDecoded.records(ldns_pkt_authority(pkt))
    }

    private static func records(_ list: UnsafeMutablePointer<ldns_rr_list>?) -> [LDNSRecord] {
        guard let list else { return [] }
        return (0..<ldns_rr_list_rr_count(list)).compactMap { index -> LDNSRecord? in
            guard let rr = ldns_rr_list_rr(list, index) else { return nil }
            var fields: [String] = []
            var raw: [[UInt8]] = []
            for i in 0..<ldns_rr_rd_count(rr) {
                guard let rdf = ldns_rr_rdf(rr, i) else { continue }
                fields.append(text(rdf))
                let size = ldns_rdf_size(rdf)
                if let data = ldns_rdf_data(rdf) {
                    raw.append(Array(UnsafeBufferPointer(start: data, count: size)))
                } else {
                    raw.append([])
                }
            }
            return LDNSRecord(
                owner: ldns_rr_owner(rr).map(text) ?? "",
                type: UInt16(ldns_rr_get_type(rr).rawValue),
                ttl: ldns_rr_ttl(rr),
                fields: fields, rawFields: raw)
        }
    }

    private static func text(_ rdf: UnsafeMutablePointer<ldns_rdf>) -> String {
        guard let c = ldns_rdf2str(rdf) else { return "" }
        defer { free(c) }
        return String(cString: c)
    }
}

/// DNS numbers the tests use (RFC 1035 §3.2.2, §4.1.1; RFC 6895).
enum DNSCode {
    static let a: UInt16 = 1
    static let soa: UInt16 = 6
    static let txt: UInt16 = 16
    static let aaaa: UInt16 = 28
    static let noError = 0
    static let formErr = 1
    static let nxDomain = 3
    static let notImp = 4
    static let refused = 5
}
