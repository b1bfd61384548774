import CLDNS
import Dispatch
import RecordBuilder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a ``LiveResolver`` could not be created.
public enum LiveResolverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `server` is not `IPv4`, `IPv4:PORT`, `IPv6`, or `[IPv6]:PORT` with a port in 1…65535.
    case invalidServer(String)
    /// A configuration field is out of range: `field` names it, `value` shows it.
    case invalidConfiguration(field: String, value: String)

    public var description: String {
        switch self {
        case .invalidServer(let text):
            return "upstream server \"\(text)\" is not IPv4[:PORT], IPv6 or [IPv6]:PORT"
        case .invalidConfiguration(let field, let value):
            return "upstream resolver \(field) \(value) is out of range"
        }
    }
}

/// An ``UpstreamSource`` that asks one DNS server (normally a recursive resolver) with libldns.
///
/// Each question goes over UDP first; an answer with TC set is asked again over TCP
/// (RFC 1035 §4.2.1, RFC 7766 §5, RFC 7208 §4.4 / field case C10). Outcomes:
/// - RCODE 0 → the records of the asked type, CNAMEs in the answer followed from the asked name;
///   a chain that ends at a CNAME whose target the server did not answer is asked again at the
///   target (≤ ``maxCNAMEChain`` links); `[]` means NODATA.
/// - RCODE 3 → ``UpstreamError/nxdomain(name:)``; a name ldns cannot encode (label > 63 octets,
///   name > 255 octets) is also `nxdomain` (RFC 7208 §4.3: a malformed domain is "none").
/// - timeout, network error, SERVFAIL, REFUSED, any other RCODE, TC that TCP could not complete,
///   a mismatched ID → ``UpstreamError/temporary(name:reason:)``.
///
/// libldns calls block; they run on a small pool of dedicated serial `DispatchQueue`s (never on
/// Swift concurrency's cooperative pool) and are bridged with a checked continuation. A fresh
/// `ldns_resolver` is made per exchange, so no ldns state is shared between threads.
public struct LiveResolver: UpstreamSource {
    /// Most CNAME links followed for one question.
    public static let maxCNAMEChain = 8

    /// The address of the server asked.
    public enum Address: Hashable, Sendable, CustomStringConvertible {
        /// An IPv4 server.
        case v4(IPv4Address)
        /// An IPv6 server.
        case v6(IPv6Address)

        /// Network-order octets (4 or 16).
        var octets: [UInt8] {
            switch self {
            case .v4(let address):
                return (0..<4).map { UInt8(truncatingIfNeeded: address.value >> (24 - 8 * $0)) }
            case .v6(let address):
                return (0..<16).map { UInt8(truncatingIfNeeded: address.value >> (120 - 8 * $0)) }
            }
        }

        /// `192.0.2.1` or `2001:db8::1` (inet_ntop form).
        public var description: String {
            let bytes = octets
            let family = bytes.count == 4 ? AF_INET : AF_INET6
            var buffer = [CChar](repeating: 0, count: 64)
            let ok = bytes.withUnsafeBytes { raw in
                inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
            }
            guard ok else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Tunables of one resolver. Times are per attempt.
    public struct Configuration: Sendable, Equatable {
        /// How long to wait for one UDP answer or one TCP connect/read, per attempt.
        public var timeout: Duration
        /// UDP attempts per question (1…255); TCP gets the same count.
        public var attempts: Int
        /// EDNS(0) UDP payload size to advertise (RFC 6891 §6.2.5), or `nil` to send no OPT RR
        /// (then answers over 512 octets arrive with TC and are asked again over TCP).
        public var ednsPayloadSize: UInt16?
        /// Set RD in queries: `true` for a recursive resolver, `false` to ask an authority.
        public var recursionDesired: Bool
        /// Concurrent blocking exchanges (dedicated threads), 1…64.
        public var maxConcurrentQueries: Int

        /// Defaults: 3 s timeout, 2 attempts, EDNS 1232, RD set, 8 concurrent queries.
        public init(timeout: Duration = .seconds(3), attempts: Int = 2, ednsPayloadSize: UInt16? = 1232,
                    recursionDesired: Bool = true, maxConcurrentQueries: Int = 8) {
            self.timeout = timeout
            self.attempts = attempts
            self.ednsPayloadSize = ednsPayloadSize
            self.recursionDesired = recursionDesired
            self.maxConcurrentQueries = maxConcurrentQueries
        }
    }

    /// The server's address.
    public let address: Address
    /// The server's port (53 unless given).
    public let port: UInt16
    /// The tunables in force.
    public let configuration: Configuration
    private let pool: QueuePool

    /// Creates a resolver for `server`: `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`,
    /// `[2001:db8::53]` or `[2001:db8::53]:5353`.
    /// - Throws: ``LiveResolverError`` naming the bad server text or configuration field.
    public init(server: String, configuration: Configuration = Configuration()) throws(LiveResolverError) {
        guard let (address, port) = Self.parseServer(server) else { throw .invalidServer(server) }
        try self.init(address: address, port: port, configuration: configuration)
    }

    /// Creates a resolver for `address`, `port`.
    /// - Throws: ``LiveResolverError/invalidConfiguration(field:value:)`` for an attempt count
    ///   outside 1…255, a non-positive timeout, or a concurrency outside 1…64.
    public init(address: Address, port: UInt16 = 53, configuration: Configuration = Configuration()) throws(LiveResolverError) {
        guard (1...255).contains(configuration.attempts) else {
            throw .invalidConfiguration(field: "attempts", value: String(configuration.attempts))
        }
        guard configuration.timeout > .zero else {
            throw .invalidConfiguration(field: "timeout", value: String(describing: configuration.timeout))
        }
        guard (1...64).contains(configuration.maxConcurrentQueries) else {
            throw .invalidConfiguration(field: "maxConcurrentQueries",
                                        value: String(configuration.maxConcurrentQueries))
        }
        guard port != 0 else { throw .invalidConfiguration(field: "port", value: "0") }
        self.address = address
        self.port = port
        self.configuration = configuration
        self.pool = QueuePool(count: configuration.maxConcurrentQueries)
    }

    /// TXT records at `name`, each record's character-strings joined without separators
    /// (RFC 7208 §3.3), in answer order.
    public func txt(_ name: String) async throws -> [String] {
        try await resolve(name, .txt).compactMap {
            if case .txt(let strings) = $0 { return strings.joined() }
            return nil
        }
    }

    /// A records at `name`, in answer order.
    public func a(_ name: String) async throws -> [IPv4Address] {
        try await resolve(name, .a).compactMap {
            if case .a(let address) = $0 { return address }
            return nil
        }
    }

    /// AAAA records at `name`, in answer order.
    public func aaaa(_ name: String) async throws -> [IPv6Address] {
        try await resolve(name, .aaaa).compactMap {
            if case .aaaa(let address) = $0 { return address }
            return nil
        }
    }

    /// MX exchanges at `name`, ordered by preference then name (RFC 1035 §3.3.9).
    public func mx(_ name: String) async throws -> [String] {
        let exchanges: [(UInt16, String)] = try await resolve(name, .mx).compactMap {
            if case .mx(let preference, let exchange) = $0 { return (preference, exchange) }
            return nil
        }
        return exchanges.sorted { $0 < $1 }.map(\.1)
    }

    /// The RDATA of `type` at `name` after CNAMEs, `[]` for NODATA.
    /// - Throws: ``UpstreamError`` only.
    public func resolve(_ name: String, _ type: ZoneRecordType) async throws(UpstreamError) -> [ZoneRecordData] {
        let asked = LDNSRead.canonicalName(name)
        let exchange = Exchange(address: address, port: port, configuration: configuration)
        let result: Result<[ZoneRecordData], UpstreamError> = await withCheckedContinuation { continuation in
            pool.next().async {
                continuation.resume(returning: Result { () throws(UpstreamError) in
                    try exchange.resolve(asked, type)
                })
            }
        }
        return try result.get()
    }

    /// Parses `IPv4`, `IPv4:PORT`, `IPv6`, `[IPv6]`, `[IPv6]:PORT`.
    static func parseServer(_ text: String) -> (Address, UInt16)? {
        var host = Substring(text)
        var port: UInt16 = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()), value != 0 else { return nil }
                port = value
            }
            guard let v6 = parseIPv6(String(host)) else { return nil }
            return (.v6(v6), port)
        }
        let colons = host.filter { $0 == ":" }.count
        if colons == 1, let colon = host.firstIndex(of: ":") {
            guard let value = UInt16(host[host.index(after: colon)...]), value != 0 else { return nil }
            port = value
            host = host[..<colon]
        } else if colons > 1 {
            guard let v6 = parseIPv6(String(host)) else { return nil }
            return (.v6(v6), port)
        }
        var v4 = in_addr()
        guard inet_pton(AF_INET, String(host), &v4) == 1 else { return nil }
        return (.v4(IPv4Address(UInt32(bigEndian: v4.s_addr))), port)
    }

    private static func parseIPv6(_ text: String) -> IPv6Address? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let ok = bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, text, $0.baseAddress) == 1 }
        return ok ? IPv6Address(octets: bytes) : nil
    }
}

/// Round-robin over a fixed set of serial queues: bounded, dedicated threads for blocking ldns
/// calls.
private final class QueuePool: @unchecked Sendable {
    private let queues: [DispatchQueue]
    private var counter = 0
    private let lock = NSLockLite()

    init(count: Int) {
        queues = (0..<count).map { DispatchQueue(label: "herald.ldns.\($0)") }
    }

    func next() -> DispatchQueue {
        lock.withLock {
            counter = (counter + 1) % queues.count
            return queues[counter]
        }
    }
}

/// A minimal pthread mutex (ZonePublisher does not import Foundation or NIO).
private final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

/// One blocking question-and-answer sequence; runs on a pool queue.
private struct Exchange: Sendable {
    let address: LiveResolver.Address
    let port: UInt16
    let configuration: LiveResolver.Configuration

    func resolve(_ asked: String, _ type: ZoneRecordType) throws(UpstreamError) -> [ZoneRecordData] {
        var current = asked
        var visited: Set<String> = [asked]
        var links = 0
        while true {
            let answer = try ask(current, type, reportedAs: asked)
            // Follow the chain inside this answer (RFC 1034 §4.3.2 step 3a).
            var owner = current
            while true {
                let records = answer.filter { $0.owner == owner }
                let matching = records.filter { $0.type == type }
                if !matching.isEmpty || type == .cname { return matching.map(\.data) }
                guard let target = records.lazy.compactMap({ record -> String? in
                    if case .cname(let target) = record.data { return target }
                    return nil
                }).first else {
                    // The server stopped at a CNAME target it did not answer: ask there.
                    if records.isEmpty && owner != current { break }
                    return []  // NODATA
                }
                links += 1
                guard links <= LiveResolver.maxCNAMEChain else {
                    throw .temporary(name: asked, reason: "CNAME chain longer than \(LiveResolver.maxCNAMEChain) links")
                }
                guard visited.insert(target).inserted else {
                    throw .temporary(name: asked, reason: "CNAME loop at \(target)")
                }
                owner = target
            }
            current = owner
        }
    }

    /// One question, UDP then (on TC) TCP; returns the answer section for RCODE 0.
    private func ask(_ name: String, _ type: ZoneRecordType, reportedAs asked: String) throws(UpstreamError) -> [ZoneRecord] {
        guard let qname = LDNSRdf.domainName(name.isEmpty ? "." : name + ".") else {
            throw .nxdomain(name: asked)
        }
        guard let resolverPointer = ldns_resolver_new() else {
            throw .temporary(name: asked, reason: "ldns_resolver_new failed")
        }
        let resolver = LDNSResolver(taking: resolverPointer)
        let r = resolver.pointer
        guard let server = LDNSRdf.address(octets: address.octets),
              ldns_resolver_push_nameserver(r, server.pointer) == LDNS_STATUS_OK else {
            throw .temporary(name: asked, reason: "cannot set nameserver \(address)")
        }
        ldns_resolver_set_port(r, port)
        ldns_resolver_set_recursive(r, configuration.recursionDesired)
        ldns_resolver_set_retry(r, UInt8(configuration.attempts))
        ldns_resolver_set_retrans(r, 0)
        ldns_resolver_set_fallback(r, false)
        ldns_resolver_set_fail(r, true)
        ldns_resolver_set_random(r, false)
        ldns_resolver_set_dnsrch(r, false)
        ldns_resolver_set_defnames(r, false)
        ldns_resolver_set_usevc(r, false)
        ldns_resolver_set_edns_udp_size(r, configuration.ednsPayloadSize ?? 0)
        let (seconds, attoseconds) = configuration.timeout.components
        ldns_resolver_set_timeout(r, timeval(tv_sec: Int(seconds),
                                             tv_usec: Int(attoseconds / 1_000_000_000_000)))

        var queryPointer: UnsafeMutablePointer<ldns_pkt>?
        let flags: UInt16 = configuration.recursionDesired ? UInt16(LDNS_RD) : 0
        let prepared = ldns_resolver_prepare_query_pkt(&queryPointer, r, qname.pointer,
                                                       ldns_rr_type(rawValue: UInt32(type.code)),
                                                       LDNS_RR_CLASS_IN, flags)
        guard prepared == LDNS_STATUS_OK, let queryPointer else {
            if let queryPointer { ldns_pkt_free(queryPointer) }
            throw .temporary(name: asked, reason: "cannot build query: \(LDNSRead.statusText(prepared))")
        }
        let query = LDNSPacket(taking: queryPointer)

        var reply = try send(query, on: r, transport: "UDP", asked: asked)
        if reply.truncated {
            ldns_resolver_set_usevc(r, true)
            reply = try send(query, on: r, transport: "TCP after truncated UDP answer", asked: asked)
            if reply.truncated {
                throw .temporary(name: asked, reason: "answer truncated over TCP")
            }
        }
        withExtendedLifetime(server) {}
        switch reply.rcode {
        case 0:
            return reply.answer.map { rr in
                ZoneRecord(owner: ldns_rr_owner(rr).map { LDNSRead.name($0) } ?? "",
                           ttl: ldns_rr_ttl(rr), data: LDNSRead.recordData(rr))
            }
        case 3:
            throw .nxdomain(name: asked)
        case 2:
            throw .temporary(name: asked, reason: "SERVFAIL from \(address)")
        case 5:
            throw .temporary(name: asked, reason: "REFUSED from \(address)")
        case let other:
            throw .temporary(name: asked, reason: "RCODE \(other) from \(address)")
        }
    }

    /// `d` in seconds with one decimal, e.g. `3.0`.
    static func tenths(_ d: Duration) -> String {
        let tenths = d.components.seconds * 10 + d.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    private func send(_ query: LDNSPacket, on r: UnsafeMutablePointer<ldns_resolver>, transport: String,
                      asked: String) throws(UpstreamError) -> LDNSPacket {
        var answerPointer: UnsafeMutablePointer<ldns_pkt>?
        let started = ContinuousClock.now
        let status = ldns_resolver_send_pkt(&answerPointer, r, query.pointer)
        guard status == LDNS_STATUS_OK, let answerPointer else {
            if let answerPointer { ldns_pkt_free(answerPointer) }
            // libldns reports "no server answered" as a general error; when the exchange took
            // the whole timeout budget that is what happened, so say so.
            let waited = ContinuousClock.now - started
            if status == LDNS_STATUS_ERR || status == LDNS_STATUS_NETWORK_ERR,
               waited >= configuration.timeout * 0.9 {
                throw .temporary(name: asked, reason: "\(transport) query to \(address) port \(port) timed out (no answer in \(Self.tenths(waited)) s; timeout \(Self.tenths(configuration.timeout)) s × \(configuration.attempts) attempt(s))")
            }
            throw .temporary(name: asked, reason: "\(transport) exchange with \(address) port \(port) failed: \(LDNSRead.statusText(status))")
        }
        let answer = LDNSPacket(taking: answerPointer)
        guard answer.id == query.id else {
            throw .temporary(name: asked, reason: "\(transport) answer ID \(answer.id) does not match query ID \(query.id)")
        }
        return answer
    }
}
