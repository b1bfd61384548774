import DNSCore

/// The authoritative responder: a pure function from query bytes and a snapshot to response
/// bytes, or nil to drop (RFC 1034 §4.3.2; RFC 1035 §4.1; RFC 2308; RFC 6891; RFC 8482;
/// RFC 8906). No locks, no parsing of stored data: answers are assembled from RRsets
/// pre-rendered at compile time.
///
/// Guards, in order (each outcome is a value):
/// 1. shorter than a header or QR=1 → drop;
/// 2. OPCODE ≠ QUERY → NOTIMP, opcode echoed, other flags clear, header only (C36 c, d);
/// 3. QDCOUNT ≠ 1 or an unreadable message → FORMERR (C36 a, b; C39);
/// 4. EDNS version ≠ 0 → BADVERS: header RCODE 0, OPT extended RCODE 1, version 0,
///    question echoed, no records (RFC 6891 §6.1.3, C27);
/// 5. QCLASS CH → `version.bind`/`id.server` TXT when configured, else REFUSED;
///    QCLASS other than IN/ANY → REFUSED; QTYPE AXFR/IXFR → REFUSED (no transfers);
/// 6. outside every served zone → REFUSED, AA=0, question echoed (C35);
/// 7. the zone answer: data, CNAME (chased through served zones, C20), NODATA or NXDOMAIN
///    with the SOA at min(TTL, MINIMUM) in authority (C33), ENT → NODATA (C34), ANY → one
///    RRset (RFC 8482), unknown types → NODATA (C36 f); below an SPF macro-mode apex the
///    answer comes from the zone's address table (`A 127.0.0.2`, NODATA or NXDOMAIN;
///    RFC 7208 §5.7, §7.3).
///
/// Sizes: UDP limit = max(512, min(client payload, `maxUDPPayload`)), 512 without EDNS;
/// TCP 65535. An RRset that does not fit is left out whole and TC=1 set (C29).
/// RD and CD are copied; RA, AD and Z are never set. Unexpected internal errors become
/// SERVFAIL in one place.
public struct Responder: Sendable {
    /// The transport a query arrived on; decides the size limit.
    public enum Transport: Sendable, Equatable {
        /// UDP: EDNS-negotiated limit, 512 without EDNS (RFC 6891 §6.2.5).
        case udp
        /// TCP: up to 65535 octets (RFC 7766).
        case tcp
    }

    /// RCODE values used (RFC 1035 §4.1.1; RFC 6891 §9).
    enum RCode: UInt8 {
        case noError = 0, formErr = 1, servFail = 2, nxDomain = 3, notImp = 4, refused = 5
    }

    /// The configuration in force.
    public let configuration: ResponderConfiguration
    /// CH TXT answers by lowercase wire name.
    private let chaosAnswers: [WireKey: PrerenderedRRSet]
    /// The synthesized RFC 8482 HINFO RRset when that ANY policy is chosen.
    private let anyHINFO: PrerenderedRRSet?

    /// Creates a responder.
    ///
    /// - Parameter configuration: sizes, ANY policy, CHAOS texts.
    public init(configuration: ResponderConfiguration = ResponderConfiguration()) {
        self.configuration = configuration
        var chaos: [WireKey: PrerenderedRRSet] = [:]
        func add(_ names: [String], _ text: String?) {
            guard let text else { return }
            for name in names {
                guard let owner = try? DNSName(name) else { continue }
                let record = ResourceRecord(name: owner, rrClass: .ch, ttl: 0, rdata: .txt(CharacterString.split(text)))
                if let set = try? PrerenderedRRSet(records: [record]) { chaos[WireKey(owner.key)] = set }
            }
        }
        add(["version.bind", "version.server"], configuration.chaosVersion)
        add(["id.server", "hostname.bind"], configuration.chaosIdentity)
        self.chaosAnswers = chaos
        if case let .hinfo(ttl) = configuration.anyPolicy,
           let cpu = try? CharacterString("RFC8482"), let os = try? CharacterString("") {
            self.anyHINFO = try? PrerenderedRRSet(records: [ResourceRecord(name: .root, ttl: ttl, rdata: .hinfo(cpu: cpu, os: os))])
        } else {
            self.anyHINFO = nil
        }
    }

    /// Answers one query.
    ///
    /// - Parameters:
    ///   - query: the query message as received (for TCP, without the 2-octet length).
    ///   - transport: `.udp` or `.tcp`.
    ///   - snapshot: the zones to answer from.
    /// - Returns: the response message, or nil when the query must be dropped.
    public func respond(to query: [UInt8], transport: Transport, snapshot: ZoneSnapshot) -> [UInt8]? {
        query.withUnsafeBytes { respond(to: $0, transport: transport, snapshot: snapshot) }
    }

    /// Answers one query read in place from raw memory (the transport's receive buffer): the
    /// query is not copied; the response is a new array.
    ///
    /// - Parameters:
    ///   - query: the query message as received (for TCP, without the 2-octet length); only
    ///     read during the call.
    ///   - transport: `.udp` or `.tcp`.
    ///   - snapshot: the zones to answer from.
    /// - Returns: the response message, or nil when the query must be dropped.
    public func respond(to query: UnsafeRawBufferPointer, transport: Transport, snapshot: ZoneSnapshot) -> [UInt8]? {
        let capacity = responseCapacity(for: transport)
        var length: Int?
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            length = respond(to: query, transport: transport, snapshot: snapshot, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = length ?? 0
        }
        guard length != nil else { return nil }
        guard bytes.capacity > 4 * bytes.count + 4096 else { return bytes }
        // A TCP-sized buffer is not kept for a small answer.
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            initialized = buffer.initialize(from: bytes).1
        }
    }

    /// The buffer size that always holds a whole answer for `transport` (``respond(to:transport:snapshot:into:)``
    /// never truncates below the transport's limit with a buffer this large), octets.
    public func responseCapacity(for transport: Transport) -> Int {
        transport == .tcp ? 65535 : max(ResponseWriter.minimumBuffer, configuration.maxUDPPayload)
    }

    /// Answers one query into the caller's buffer: no allocation at all on the answer path.
    ///
    /// The response size limit is the transport's (UDP: the EDNS-negotiated size capped by
    /// `maxUDPPayload`; TCP: 65535) or the buffer's size, whichever is smaller; an RRset that
    /// does not fit is left out whole and TC=1 set, as for the transport limit. Give
    /// ``responseCapacity(for:)`` octets to never truncate below the transport's limit.
    ///
    /// - Parameters:
    ///   - query: the query message as received (for TCP, without the 2-octet length); only
    ///     read during the call.
    ///   - transport: `.udp` or `.tcp`.
    ///   - snapshot: the zones to answer from.
    ///   - buffer: where the response is written; at least 512 octets.
    /// - Returns: the response length in octets (written at the start of `buffer`), or nil
    ///   when the query must be dropped.
    public func respond(to query: UnsafeRawBufferPointer, transport: Transport, snapshot: ZoneSnapshot,
                        into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch ParsedQuery.parse(query) {
        case .drop:
            return nil
        case let .notImplemented(_, flags):
            var writer = ResponseWriter(query: query, questionEnd: nil, limit: 512, reserve: 0, into: buffer)
            // QR, the opcode echoed, RCODE NOTIMP; every other flag clear (RFC 8906 §3.1.4).
            return writer.finish(flags: 0x8000 | (flags & 0x7800) | UInt16(RCode.notImp.rawValue), opt: nil)
        case let .formatError(_, flags, questionEnd):
            var writer = ResponseWriter(query: query, questionEnd: questionEnd, limit: 65535, reserve: 0, into: buffer)
            return writer.finish(flags: responseFlags(flags, rcode: .formErr, authoritative: false, truncated: false), opt: nil)
        case let .query(parsed):
            do {
                return try answer(parsed, query: query, transport: transport, snapshot: snapshot, into: buffer)
            } catch {
                // The one place an unexpected error becomes SERVFAIL.
                var writer = ResponseWriter(query: query, questionEnd: parsed.questionEnd, limit: 65535, reserve: 0, into: buffer)
                return writer.finish(flags: responseFlags(parsed.flags, rcode: .servFail, authoritative: false, truncated: false),
                                     opt: optFields(parsed, extendedRCode: 0))
            }
        }
    }

    /// Response flags: QR=1, OPCODE 0, AA and TC as given, RD and CD copied from the query,
    /// RA/Z/AD clear, and the low 4 bits of the RCODE.
    private func responseFlags(_ queryFlags: UInt16, rcode: RCode, authoritative: Bool, truncated: Bool) -> UInt16 {
        var flags: UInt16 = 0x8000 | (queryFlags & 0x0110) | UInt16(rcode.rawValue)
        if authoritative { flags |= 0x0400 }
        if truncated { flags |= 0x0200 }
        return flags
    }

    /// The OPT fields for the response, or nil when the query had no OPT.
    private func optFields(_ parsed: ParsedQuery, extendedRCode: UInt8) -> (payload: Int, extendedRCode: UInt8, dnssecOK: Bool)? {
        guard let edns = parsed.edns else { return nil }
        return (configuration.maxUDPPayload, extendedRCode, edns.dnssecOK)
    }

    /// The size limit for this query's response in octets.
    private func sizeLimit(_ parsed: ParsedQuery, transport: Transport) -> Int {
        switch transport {
        case .tcp: return 65535
        case .udp:
            guard let edns = parsed.edns else { return 512 }
            return max(512, min(edns.udpPayloadSize, configuration.maxUDPPayload))
        }
    }

    /// Steps 4–7 for a well-formed query.
    private func answer(_ parsed: ParsedQuery, query: UnsafeRawBufferPointer, transport: Transport,
                        snapshot: ZoneSnapshot, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let reserve = parsed.edns == nil ? 0 : ResponseWriter.optSize
        var writer = ResponseWriter(query: query, questionEnd: parsed.questionEnd,
                                    limit: sizeLimit(parsed, transport: transport), reserve: reserve, into: buffer)

        // EDNS version other than 0: BADVERS (extended RCODE 16 = OPT 1, header 0).
        if let edns = parsed.edns, edns.version != 0 {
            return writer.finish(flags: responseFlags(parsed.flags, rcode: .noError, authoritative: false, truncated: false),
                                 opt: optFields(parsed, extendedRCode: 1))
        }

        func refused(_ writer: inout ResponseWriter) -> Int {
            writer.finish(flags: responseFlags(parsed.flags, rcode: .refused, authoritative: false, truncated: false),
                          opt: optFields(parsed, extendedRCode: 0))
        }

        if parsed.qclass == .ch {
            guard let set = chaosAnswers[WireKey(borrowing: parsed.qname(in: query))] else { return refused(&writer) }
            if parsed.qtype == .txt || parsed.qtype == .any {
                _ = writer.append(set, section: .answer, ownerOffset: DNSHeader.size, ownerLength: parsed.qnameLength)
            }
            return writer.finish(flags: responseFlags(parsed.flags, rcode: .noError, authoritative: true, truncated: writer.truncated),
                                 opt: optFields(parsed, extendedRCode: 0))
        }
        guard parsed.qclass == .in || parsed.qclass == .any else { return refused(&writer) }
        guard parsed.qtype != .axfr && parsed.qtype != .ixfr else { return refused(&writer) }
        let qname = parsed.qname(in: query)
        guard let firstZone = snapshot.zoneIndex(enclosingKey: qname) else { return refused(&writer) }

        // The zone is used in place (an index, not a copy of the struct: no retains).
        var zoneIndex = firstZone
        // The owner being looked up: the QNAME in place, or the CNAME target reached.
        var target: DNSName? = nil
        var ownerOffset = DNSHeader.size
        var ownerLength = parsed.qnameLength
        var visited: [WireKey] = []
        var rcode = RCode.noError

        chase: while true {
            let lookup: Zone.NodeLookup
            if let target {
                lookup = target.key.withUnsafeBytes { snapshot.zones[zoneIndex].node(forKey: $0, type: parsed.qtype) }
            } else {
                lookup = snapshot.zones[zoneIndex].node(forKey: qname, type: parsed.qtype)
            }
            switch lookup {
            case let .found(set):
                let zone = snapshot.zones[zoneIndex]
                if parsed.qtype == .any, let hinfo = anyHINFO, zone.setType(set) != .cname {
                    _ = writer.append(hinfo, section: .answer, ownerOffset: ownerOffset, ownerLength: ownerLength)
                } else {
                    _ = zone.withSet(set) { body, count in
                        writer.append(body: body, recordCount: count, section: .answer, ownerOffset: ownerOffset, ownerLength: ownerLength)
                    }
                }
                break chase
            case let .synthesized(set):
                // SPF macro-mode member: the owner is the name asked for (RFC 7208 §5.7).
                _ = writer.append(set, section: .answer, ownerOffset: ownerOffset, ownerLength: ownerLength)
                break chase
            case let .cname(set):
                let zone = snapshot.zones[zoneIndex]
                guard let next = zone.cnameTarget(ofSet: set) else {
                    throw DNSAuthorityError.internalInconsistency(reason: "CNAME RRset without a target")
                }
                guard let rdataOffset = zone.withSet(set, { body, count in
                    writer.append(body: body, recordCount: count, section: .answer, ownerOffset: ownerOffset, ownerLength: ownerLength)
                }) else {
                    break chase
                }
                // `visited` lives only in this call, so the borrowed QNAME key stays valid.
                visited.append(target.map { WireKey($0.key) } ?? WireKey(borrowing: qname))
                guard visited.count <= configuration.maxCNAMEChain,
                      !visited.contains(WireKey(next.key)),
                      let nextZone = next.key.withUnsafeBytes({ snapshot.zoneIndex(enclosingKey: $0) })
                else { break chase }
                zoneIndex = nextZone
                target = next
                ownerOffset = rdataOffset
                ownerLength = next.wireLength
            case .noData:
                appendNegativeSOA(snapshot.zones[zoneIndex], &writer, ownerOffset: ownerOffset, ownerLength: ownerLength)
                break chase
            case .nxDomain:
                rcode = .nxDomain
                appendNegativeSOA(snapshot.zones[zoneIndex], &writer, ownerOffset: ownerOffset, ownerLength: ownerLength)
                break chase
            }
        }
        return writer.finish(flags: responseFlags(parsed.flags, rcode: rcode, authoritative: true, truncated: writer.truncated),
                             opt: optFields(parsed, extendedRCode: 0))
    }

    /// Appends the zone's negative SOA to the authority section, its owner a pointer to the
    /// apex suffix of the uncompressed name at `ownerOffset` (RFC 2308 §3).
    private func appendNegativeSOA(_ zone: Zone, _ writer: inout ResponseWriter, ownerOffset: Int, ownerLength: Int) {
        let apexLength = zone.origin.wireLength
        _ = writer.append(zone.negativeSOA, section: .authority,
                          ownerOffset: ownerOffset + ownerLength - apexLength, ownerLength: apexLength)
    }
}
