import Foundation
import Inventory
import RecordBuilder
import Synchronization
import Testing
@testable import ZonePublisher

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Field case C10 and the permanent errors of C01/C07 at the publisher: a failed build never
/// changes what is served (RECORDS.md "SPF" Safety; RFC 7208 §2.6.6, §4.4, §5.2).
@Suite struct PublisherFailureTests {
    /// C10's sender trees: esp.example.net has 5 networks, crm.example.org 7 (through one
    /// include), none adjacent, so the domain publishes exactly 12.
    static let c10Zone = """
        esp.example.net       TXT "v=spf1 ip4:192.0.2.0/25 ip4:198.51.100.0/26 ip4:198.51.100.128/26 ip4:100.64.10.0/24 ip6:2001:db8:e5::/48 ~all"
        crm.example.org       TXT "v=spf1 include:_spf.crm.example.org ip4:100.64.20.0/24 ip4:100.64.22.0/24 -all"
        _spf.crm.example.org  TXT "v=spf1 ip4:100.64.30.0/24 ip4:100.64.32.0/24 ip4:100.64.34.0/24 ip4:100.64.36.0/24 ip6:2001:db8:c4::/48 ~all"
        """
    static let espWithNewRange =
        "v=spf1 ip4:192.0.2.0/25 ip4:198.51.100.0/26 ip4:198.51.100.128/26 ip4:100.64.10.0/24 ip4:203.0.113.0/24 ip6:2001:db8:e5::/48 ~all"

    /// example.com approves esp and crm (C10); example.org approves esp only.
    static func c10Harness() throws -> (PublisherHarness, FixtureUpstream) {
        let h = try PublisherHarness()
        try h.addSender("esp", entry: "esp.example.net")
        try h.addSender("crm", entry: "crm.example.org")
        try h.addDomain("example.com", senders: ["esp", "crm"])
        try h.addDomain("example.org", senders: ["esp"])
        return (h, FixtureUpstream(c10Zone))
    }

    /// A first good build of example.com: 12 networks published. Returns the published records.
    static func goodBuild(_ h: PublisherHarness, _ upstream: FixtureUpstream) async throws -> PublishedState {
        let outcomes = try await h.build(upstream, at: 100)
        #expect(try outcome("example.com", in: outcomes).status.publishedChanged == true)
        let state = try h.state("example.com")
        let records = try #require(state.records)
        #expect(PublisherHarness.networks(in: PublisherHarness.spfRecords("example.com", in: records)).count == 12)
        #expect(state.stale == false && state.lastError == nil)
        return state
    }

    /// Checks that `domain` still publishes and serves exactly `good` after a failed attempt at
    /// `t0 + attempt`.
    static func expectLastGoodKept(_ h: PublisherHarness, _ good: PublishedState, attempt: Int64,
                                   sourceLocation: SourceLocation = #_sourceLocation) async throws -> PublishedState {
        let state = try h.state("example.com")
        #expect(state.records == good.records, sourceLocation: sourceLocation)
        #expect(state.passSets == good.passSets, sourceLocation: sourceLocation)
        #expect(state.provenance == good.provenance, sourceLocation: sourceLocation)
        #expect(state.builtAt == good.builtAt, sourceLocation: sourceLocation)
        #expect(state.attemptedAt == PublisherHarness.t0 + attempt, sourceLocation: sourceLocation)
        #expect(state.stale, sourceLocation: sourceLocation)
        #expect(state.held == nil, sourceLocation: sourceLocation)
        let served = try await h.servedSPF("example.com")
        #expect(served == PublisherHarness.spfRecords("example.com", in: good.records ?? []), sourceLocation: sourceLocation)
        #expect(PublisherHarness.networks(in: served).count == 12, sourceLocation: sourceLocation)
        return state
    }

    /// C10: crm.example.org times out → temperror for example.com: the 12-network record stays
    /// (never the 5-network subset), stale with an error naming the name; example.org, which
    /// does not need crm, still builds. When the ESP then adds 203.0.113.0/24 the next good run
    /// publishes it, with a diff naming the sender and the network.
    @Test func testC10TemporaryFailureKeepsLastGoodRecords() async throws {
        let (h, upstream) = try Self.c10Harness()
        let good = try await Self.goodBuild(h, upstream)

        upstream.failTemporarily("crm.example.org", reason: "timeout after 2 attempts")
        let outcomes = try await h.build(upstream, at: 200)
        let failed = try outcome("example.com", in: outcomes)
        let failure = try #require(failed.status.failure)
        #expect(failure.temporary)
        #expect(failure.keptLastGood)
        #expect(failure.message.contains("crm.example.org"))
        #expect(failure.message.contains("crm"))
        #expect(failed.build == nil && failed.diff == nil)
        #expect(try outcome("example.org", in: outcomes).status.publishedChanged == false)

        let state = try await Self.expectLastGoodKept(h, good, attempt: 200)
        #expect(state.lastError?.contains("crm.example.org") == true)
        #expect(state.lastError?.contains("timeout after 2 attempts") == true)
        #expect(try h.state("example.org").stale == false)

        upstream.heal("crm.example.org")
        upstream.setTXT("esp.example.net", [Self.espWithNewRange])
        let next = try await h.build(upstream, at: 300)
        let published = try outcome("example.com", in: next)
        #expect(published.status.publishedChanged == true)
        let diff = try #require(published.diff)
        #expect(diff.senders.map(\.sender) == ["esp"])
        let esp = try #require(diff.change(for: "esp"))
        #expect(esp.kind == .changed)
        #expect(esp.added == [net("203.0.113.0/24")])
        #expect(esp.removed.isEmpty)
        #expect(diff.change(for: "crm") == nil)
        #expect(diff.removedShareIPv4 == 0 && diff.removedShareIPv6 == 0)

        let after = try h.state("example.com")
        #expect(after.stale == false && after.lastError == nil)
        #expect(after.builtAt == PublisherHarness.t0 + 300)
        let networks = PublisherHarness.networks(in: try await h.servedSPF("example.com"))
        #expect(networks.count == 13)
        #expect(networks.contains("203.0.113.0/24"))
        #expect(Set(PublisherHarness.networks(in: PublisherHarness.spfRecords("example.com", in: good.records ?? [])))
            .isSubset(of: Set(networks)))
    }

    /// C10, truncation: a UDP answer with TC=1 whose TCP retry cannot complete. A real
    /// ``LiveResolver`` asks a local UDP socket that always answers TC=1 on a port where TCP is
    /// refused; its temporary error reaches the publisher through the fixture's routing, and the
    /// last good records stay. The same failure deeper in the tree (the nested
    /// `_spf.crm.example.org`, injected as the resolver reports it) is temporary too.
    @Test func testC10TruncationThatTCPCannotCompleteIsTemporary() async throws {
        let (h, upstream) = try Self.c10Harness()
        let good = try await Self.goodBuild(h, upstream)

        let server = try TruncatingUDPServer()
        defer { server.stop() }
        let resolver = try LiveResolver(server: "127.0.0.1:\(server.port)",
                                        configuration: .init(timeout: .milliseconds(500), attempts: 1, ednsPayloadSize: nil))
        // The resolver on its own: TC over UDP, TCP refused → temporary, "truncated" in the reason.
        await #expect {
            _ = try await resolver.txt("crm.example.org")
        } throws: { error in
            guard case .temporary(let name, let reason)? = error as? UpstreamError else { return false }
            return name == "crm.example.org" && reason.contains("truncated")
        }
        #expect(server.datagrams >= 1)

        upstream.route("crm.example.org", to: resolver)
        let outcomes = try await h.build(upstream, at: 200)
        let failure = try #require(try outcome("example.com", in: outcomes).status.failure)
        #expect(failure.temporary && failure.keptLastGood)
        #expect(failure.message.contains("crm.example.org") && failure.message.contains("truncated"))
        let state = try await Self.expectLastGoodKept(h, good, attempt: 200)
        #expect(state.lastError?.contains("truncated") == true)

        // Deeper in the tree: the included _spf.crm.example.org fails the same way.
        upstream.route("crm.example.org", to: FixtureUpstream(Self.c10Zone))
        upstream.failTemporarily("_spf.crm.example.org", reason: "answer truncated over TCP")
        let deeper = try await h.build(upstream, at: 300)
        let deepFailure = try #require(try outcome("example.com", in: deeper).status.failure)
        #expect(deepFailure.temporary && deepFailure.keptLastGood)
        #expect(deepFailure.message.contains("_spf.crm.example.org"))
        _ = try await Self.expectLastGoodKept(h, good, attempt: 300)
    }

    /// C01: after a good build, crm's tree becomes a loop disguised by case, qualifier and a
    /// trailing dot. Permanent (not temporary), last good kept, the message names the sender,
    /// its include term and both names of the cycle.
    @Test func testC01IncludeLoopKeepsLastGood() async throws {
        let (h, upstream) = try Self.c10Harness()
        let good = try await Self.goodBuild(h, upstream)

        upstream.setTXT("crm.example.org", ["v=spf1 ip4:100.64.20.0/24 include:B.EXAMPLE.NET ~all"])
        upstream.setTXT("b.example.net", ["v=spf1 ?include:crm.example.org. ~all"])
        let outcomes = try await h.build(upstream, at: 200)
        let failure = try #require(try outcome("example.com", in: outcomes).status.failure)
        #expect(!failure.temporary)
        #expect(failure.keptLastGood)
        #expect(failure.message.contains("sender crm"))
        #expect(failure.message.contains("include:crm.example.org"))
        #expect(failure.message.contains("loop"))
        #expect(failure.message.contains("crm.example.org→b.example.net") || failure.message.contains("b.example.net→crm.example.org"))
        let state = try await Self.expectLastGoodKept(h, good, attempt: 200)
        #expect(state.lastError == failure.message)
        // example.org does not approve crm: unaffected.
        #expect(try outcome("example.org", in: outcomes).status.publishedChanged == false)
    }

    /// C07: after a good build, crm's record includes a name that publishes no SPF record (and
    /// then one that does not exist). Permanent, last good kept, the message names the sender,
    /// the include term and the target. The include is never silently dropped.
    @Test func testC07IncludeWithoutSPFKeepsLastGood() async throws {
        let (h, upstream) = try Self.c10Harness()
        let good = try await Self.goodBuild(h, upstream)

        upstream.setTXT("crm.example.org", ["v=spf1 include:old-esp.example.net ip4:100.64.20.0/24 -all"])
        upstream.setTXT("old-esp.example.net", ["site-verification=abc123"])
        let outcomes = try await h.build(upstream, at: 200)
        let failure = try #require(try outcome("example.com", in: outcomes).status.failure)
        #expect(!failure.temporary && failure.keptLastGood)
        #expect(failure.message.contains("sender crm"))
        #expect(failure.message.contains("include:old-esp.example.net"))
        #expect(failure.message.contains("has no SPF record"))
        _ = try await Self.expectLastGoodKept(h, good, attempt: 200)

        upstream.remove("old-esp.example.net")
        let nx = try await h.build(upstream, at: 300)
        let nxFailure = try #require(try outcome("example.com", in: nx).status.failure)
        #expect(!nxFailure.temporary && nxFailure.keptLastGood)
        #expect(nxFailure.message.contains("old-esp.example.net") && nxFailure.message.contains("NXDOMAIN"))
        _ = try await Self.expectLastGoodKept(h, good, attempt: 300)
    }

    /// A domain that never built successfully and fails: nothing published, `keptLastGood` false,
    /// no SPF record served (a partial record is never invented).
    @Test func firstBuildFailureServesNoSPF() async throws {
        let (h, upstream) = try Self.c10Harness()
        upstream.failTemporarily("crm.example.org")
        let outcomes = try await h.build(upstream, at: 100)
        let failure = try #require(try outcome("example.com", in: outcomes).status.failure)
        #expect(failure.temporary && !failure.keptLastGood)
        let state = try h.state("example.com")
        #expect(state.records == nil && state.stale)
        #expect(try await h.servedSPF("example.com").isEmpty)
        // The DMARC record does not depend on upstream DNS and is served anyway.
        let current = await Publisher.currentRecords(try h.inventory.snapshot())
        #expect(current.records.contains { $0.owner == "example.com._dmarc.\(PublisherHarness.hostedZone)" })
    }
}

/// A DNS "server" on 127.0.0.1 that answers every UDP query with TC=1 and no records, on a port
/// where TCP connections are refused (a TCP socket is bound there but never listens), so a
/// resolver's TCP retry cannot complete (field case C10).
final class TruncatingUDPServer: Sendable {
    let port: UInt16
    private let udp: Int32
    private let tcp: Int32
    private let stopping = Atomic<Bool>(false)
    private let received = Atomic<Int>(0)
    private let done = DispatchSemaphore(value: 0)

    /// Datagrams answered so far.
    var datagrams: Int { received.load(ordering: .acquiring) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        var chosen: (UInt16, Int32, Int32)?
        for _ in 0..<20 where chosen == nil {
            let u = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            guard u >= 0 else { throw Failure(description: "socket: \(errno)") }
            guard Self.bind(u, port: 0) else { close(u); throw Failure(description: "bind udp: \(errno)") }
            let p = Self.boundPort(u)
            let t = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if t >= 0, Self.bind(t, port: p) {
                chosen = (p, u, t)
            } else {
                close(u)
                if t >= 0 { close(t) }
            }
        }
        guard let (p, u, t) = chosen else { throw Failure(description: "no port free for both UDP and TCP") }
        port = p
        udp = u
        tcp = t
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Stops answering and closes both sockets.
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        done.wait()
        close(udp)
        close(tcp)
    }

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: 1500)
        while !stopping.load(ordering: .acquiring) {
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = withUnsafeMutablePointer(to: &peer) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(udp, &buffer, buffer.count, 0, $0, &length) }
            }
            guard n >= 12 else { continue }
            // The query echoed as a response: QR and TC set, RD kept, RCODE 0, question kept,
            // every other section empty.
            var reply = Array(buffer[0..<n])
            reply[2] = 0x80 | 0x02 | (reply[2] & 0x01)
            reply[3] = 0
            for i in 6..<12 { reply[i] = 0 }
            reply = Array(reply[0..<Self.endOfQuestion(reply)])
            received.add(1, ordering: .releasing)
            _ = withUnsafePointer(to: &peer) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(udp, reply, reply.count, 0, $0, length) }
            }
        }
        done.signal()
    }

    /// Offset after the first question (names in queries are uncompressed).
    private static func endOfQuestion(_ m: [UInt8]) -> Int {
        var i = 12
        while i < m.count, m[i] != 0 { i += Int(m[i]) + 1 }
        return min(m.count, i + 1 + 4)
    }

    private static func bind(_ fd: Int32, port: UInt16) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func boundPort(_ fd: Int32) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }
}
