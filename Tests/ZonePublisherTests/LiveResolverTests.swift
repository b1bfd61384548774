import Foundation
import Synchronization
import RecordBuilder
import Testing
@testable import ZonePublisher

#if canImport(Glibc)
import Glibc
#endif

// LiveResolver against a real authoritative server (NSD) started on 127.0.0.1 and a port picked
// by the kernel, serving zones generated here. Nothing here touches the internet.

/// A local NSD serving `zones`; stopped by `stop()` (and, as a safety net, on deinit).
///
/// Spawned with `posix_spawn` in its own process group, with an empty signal mask and default
/// signal handlers: the test runner blocks most signals, and a child that inherited that mask
/// would ignore SIGTERM.
private final class LocalNSD: @unchecked Sendable {
    static let executable = "/usr/sbin/nsd"

    let port: UInt16
    let directory: URL
    private var pid: pid_t = 0

    /// Writes the zones and a config, starts `nsd -d`, and waits until it answers an SOA query.
    init(zones: [String: String]) async throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-nsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freePort()
        let dir = directory.path
        var config = """
            server:
              ip-address: 127.0.0.1@\(port)
              port: \(port)
              do-ip6: no
              server-count: 1
              tcp-count: 16
              username: ""
              chroot: ""
              zonesdir: "\(dir)"
              pidfile: "\(dir)/nsd.pid"
              database: ""
              zonelistfile: "\(dir)/zone.list"
              xfrdfile: "\(dir)/xfrd.state"
              xfrdir: "\(dir)"
              logfile: "\(dir)/nsd.log"
              verbosity: 1
            remote-control:
              control-enable: no

            """
        for (name, text) in zones.sorted(by: { $0.key < $1.key }) {
            try text.write(toFile: "\(dir)/\(name).zone", atomically: true, encoding: .utf8)
            config += "zone:\n  name: \"\(name)\"\n  zonefile: \"\(dir)/\(name).zone\"\n"
        }
        try config.write(toFile: "\(dir)/nsd.conf", atomically: true, encoding: .utf8)

        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw NSDFailure(message: "\(Self.executable) is not installed (apt-get install nsd)")
        }
        pid = try spawn([Self.executable, "-d", "-c", "\(dir)/nsd.conf"], log: "\(dir)/nsd.out")

        // Poll with short-timeout queries until NSD answers for the first zone (≤ 60 s: a loaded
        // 2-core machine has been seen to need more than 30 s to start it).
        let probe = try LiveResolver(
            server: "127.0.0.1:\(port)",
            configuration: .init(timeout: .milliseconds(100), attempts: 1, recursionDesired: false))
        let apex = zones.keys.sorted()[0]
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                let log = (try? String(contentsOfFile: "\(dir)/nsd.log", encoding: .utf8)) ?? ""
                let out = (try? String(contentsOfFile: "\(dir)/nsd.out", encoding: .utf8)) ?? ""
                stop()
                throw NSDFailure(message: "nsd exited (status \(status)): \(log) \(out)")
            }
            if let soa = try? await probe.resolve(apex, .soa), !soa.isEmpty { break }
            if ContinuousClock.now > deadline {
                let log = (try? String(contentsOfFile: "\(dir)/nsd.log", encoding: .utf8)) ?? ""
                stop()
                throw NSDFailure(message: "nsd did not answer on port \(port) within 60 s; its log: \(log)")
            }
        }
    }

    /// SIGTERM to NSD's process group, wait up to 5 s for the main process, then SIGKILL.
    func stop() {
        if pid > 0 {
            kill(-pid, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(5)
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) == 0 {
                if ContinuousClock.now > deadline {
                    kill(-pid, SIGKILL)
                    waitpid(pid, &status, 0)
                    break
                }
                usleep(10_000)  // polling the child's exit, not waiting blindly
            }
            kill(-pid, SIGKILL)  // any helper process left in the group
            pid = 0
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

/// `posix_spawn` of `arguments` in a new process group, with an empty signal mask, default
/// handlers for the usual signals, and stdout/stderr appended to `log`.
private func spawn(_ arguments: [String], log: String) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
    guard status == 0 else { throw NSDFailure(message: "posix_spawn \(arguments[0]): \(status)") }
    return pid
}

private struct NSDFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A port the kernel reports free on 127.0.0.1 for TCP (bound to port 0, read back, released).
private func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw NSDFailure(message: "socket: \(errno)") }
    defer { close(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else { throw NSDFailure(message: "bind: \(errno)") }
    return try boundPort(fd)
}

/// A UDP socket bound to 127.0.0.1 on a kernel-chosen port that never answers.
private final class SilentUDPSocket {
    let fd: Int32
    let port: UInt16

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard socketFD >= 0 else { throw NSDFailure(message: "socket: \(errno)") }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { close(socketFD); throw NSDFailure(message: "bind: \(errno)") }
        do { port = try boundPort(socketFD) } catch { close(socketFD); throw error }
        fd = socketFD
    }

    deinit { close(fd) }

    /// From now on answers every query that arrives (and any already queued) with REFUSED, on a
    /// thread of its own, until the returned responder is stopped.
    func answerEveryQueryRefused() -> Responder {
        let responder = Responder()
        let fd = self.fd
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 1_500)
            while !responder.stopped {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 50) > 0 else { continue }
                var peer = sockaddr_in()
                var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = withUnsafeMutablePointer(to: &peer) { peerPointer in
                    peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT), $0, &peerLength)
                    }
                }
                guard count >= 12 else { continue }
                // The question echoed back, QR and RA set, RCODE 5 (REFUSED), no records.
                var reply = Array(buffer[0..<count])
                reply[2] = (reply[2] | 0x80) & ~0x02  // QR=1, TC=0, opcode and RD kept
                reply[3] = 0x05
                reply[6] = 0; reply[7] = 0; reply[8] = 0; reply[9] = 0; reply[10] = 0; reply[11] = 0
                if let end = questionEnd(reply) { reply.removeSubrange(end...) }
                _ = withUnsafePointer(to: &peer) { peerPointer in
                    peerPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, reply, reply.count, 0, $0, peerLength)
                    }
                }
            }
        }
        thread.start()
        return responder
    }

    final class Responder: Sendable {
        private let flag = Mutex(false)
        var stopped: Bool { flag.withLock { $0 } }
        func stop() { flag.withLock { $0 = true } }
    }
}

/// A count shared by concurrent tasks.
private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}

/// The offset just past the first question of `message`, or nil if it is malformed.
private func questionEnd(_ message: [UInt8]) -> Int? {
    var index = 12
    while index < message.count {
        let length = Int(message[index])
        if length == 0 { return index + 5 <= message.count ? index + 5 : nil }
        guard length < 64 else { return nil }
        index += 1 + length
    }
    return nil
}

private func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

private func boundPort(_ fd: Int32) throws -> UInt16 {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let status = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard status == 0 else { throw NSDFailure(message: "getsockname: \(errno)") }
    return UInt16(bigEndian: address.sin_port)
}

/// Six 250-octet strings: 1,500 octets of TXT RDATA, more than a 512-octet or 1,232-octet UDP
/// answer can carry, so the server must set TC and the resolver must ask again over TCP.
private let bigStrings = (0..<6).map { String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 250) }

private let exampleZone = """
    $ORIGIN example.test.
    $TTL 300
    @        SOA   ns1 hostmaster 1 3600 900 604800 300
    @        NS    ns1
    ns1      A     127.0.0.1
    @        MX    20 mx2
    @        MX    10 mx1
    mx1      A     192.0.2.25
    mx1      AAAA  2001:db8::25
    big      TXT   \(bigStrings.map { "\"\($0)\"" }.joined(separator: " "))
    spf      TXT   "v=spf1 ip4:192.0.2.0/24" " ip4:198.51.100.0/24" " -all"
    spf      TXT   "site-verification=abc123"
    alias    CNAME spf
    outside  CNAME spf.other.test.
    leaf.ent TXT   "only the leaf has data"

    """

private let otherZone = """
    $ORIGIN other.test.
    $TTL 300
    @        SOA   ns1.example.test. hostmaster.example.test. 1 3600 900 604800 300
    @        NS    ns1.example.test.
    spf      TXT   "v=spf1 ip4:203.0.113.0/24 -all"

    """

private func withNSD(_ body: (LocalNSD) async throws -> Void) async throws {
    let nsd = try await LocalNSD(zones: ["example.test": exampleZone, "other.test": otherZone])
    do {
        try await body(nsd)
    } catch {
        nsd.stop()
        throw error
    }
    nsd.stop()
}

private func resolver(_ nsd: LocalNSD, edns: UInt16? = 1232) throws -> LiveResolver {
    try LiveResolver(server: "127.0.0.1:\(nsd.port)",
                     configuration: .init(timeout: .seconds(2), attempts: 2, ednsPayloadSize: edns,
                                          recursionDesired: false))
}

@Suite(.serialized) struct LiveResolverTests {
    /// RFC 1035 §4.2.1, RFC 7766 §5, field case C10: a TC answer is asked again over TCP.
    @Test(arguments: [nil, 1232] as [UInt16?])
    func testC10TruncatedUDPAnswerIsRetriedOverTCP(edns: UInt16?) async throws {
        try await withNSD { nsd in
            let txt = try await resolver(nsd, edns: edns).txt("big.example.test")
            #expect(txt == [bigStrings.joined()])
            #expect(txt.first?.utf8.count == 1500)
        }
    }

    /// RFC 7208 §3.3: each record's strings joined without separators; one entry per record.
    @Test func testC08TXTStringsJoinWithoutSeparators() async throws {
        try await withNSD { nsd in
            let txt = try await resolver(nsd).txt("SPF.Example.Test.")
            #expect(Set(txt) == ["v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all", "site-verification=abc123"])
            #expect(txt.count == 2)
        }
    }

    @Test func addressesAndMX() async throws {
        try await withNSD { nsd in
            let r = try resolver(nsd)
            #expect(try await r.a("mx1.example.test") == [IPv4Address(192, 0, 2, 25)])
            #expect(try await r.aaaa("mx1.example.test") == [IPv6Address(0x2001_0db8_0000_0000_0000_0000_0000_0025)])
            #expect(try await r.mx("example.test") == ["mx1.example.test", "mx2.example.test"])
        }
    }

    /// RFC 2308 §2.1 / §2.2, RFC 8020 §2: NXDOMAIN vs NODATA vs empty non-terminal.
    @Test func nxdomainNodataAndEmptyNonTerminal() async throws {
        try await withNSD { nsd in
            let r = try resolver(nsd)
            await #expect(throws: UpstreamError.nxdomain(name: "nope.example.test")) {
                _ = try await r.txt("nope.example.test")
            }
            #expect(try await r.a("spf.example.test") == [])
            #expect(try await r.txt("ent.example.test") == [])
            #expect(try await r.txt("leaf.ent.example.test") == ["only the leaf has data"])
        }
    }

    /// RFC 1034 §4.3.2: CNAMEs followed inside one answer, and across zones the authority did
    /// not chase (the resolver asks again at the target).
    @Test func followsCNAMEs() async throws {
        try await withNSD { nsd in
            let r = try resolver(nsd)
            #expect(try await r.txt("alias.example.test").count == 2)
            #expect(try await r.txt("outside.example.test") == ["v=spf1 ip4:203.0.113.0/24 -all"])
        }
    }

    /// REFUSED (a name outside the server's zones) is temporary, not "no record".
    @Test func refusedIsTemporary() async throws {
        try await withNSD { nsd in
            await #expect {
                _ = try await resolver(nsd).txt("example.org")
            } throws: { error in
                guard case .temporary(let name, let reason)? = error as? UpstreamError else { return false }
                return name == "example.org" && reason.contains("REFUSED")
            }
        }
    }

    /// Field case C10: a server that never answers is a temporary failure, within the timeout.
    @Test func testC10SilentServerIsTemporaryAndQuick() async throws {
        let silent = try SilentUDPSocket()
        let r = try LiveResolver(server: "127.0.0.1:\(silent.port)",
                                 configuration: .init(timeout: .milliseconds(200), attempts: 1))
        let start = ContinuousClock.now
        await #expect {
            _ = try await r.txt("_spf.example.com")
        } throws: { error in
            guard case .temporary(let name, let reason)? = error as? UpstreamError else { return false }
            // The operator reads a timeout, not libldns's "General LDNS error".
            return name == "_spf.example.com" && reason.contains("timed out")
        }
        // Well under the default 2 × 3 s, so the configured 200 ms was used.
        #expect(ContinuousClock.now - start < .seconds(4))
        withExtendedLifetime(silent) {}
    }

    /// Blocking ldns calls run off the cooperative pool: while more lookups than the machine has
    /// cores wait on a server that holds its answers, other async work still runs.
    ///
    /// Decided by order, not by a clock: the task hops must all finish while every lookup is
    /// still waiting. Were the lookups blocking cooperative threads, the hops could run only once
    /// the lookups had given up (10 s later) and the count of finished lookups would not be 0.
    /// Only after the hops does the server answer (REFUSED), so the test ends promptly.
    @Test func blockingLookupsDoNotStarveTheCooperativePool() async throws {
        let server = try SilentUDPSocket()
        let r = try LiveResolver(server: "127.0.0.1:\(server.port)",
                                 configuration: .init(timeout: .seconds(10), attempts: 1))
        let lookups = ProcessInfo.processInfo.activeProcessorCount * 2
        let finished = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<lookups {
                group.addTask {
                    _ = try? await r.txt("n\(index).example.com")
                    finished.add()
                }
            }
            let zone = ZoneFileSource(records: [ZoneRecord(owner: "x.example", ttl: 1, data: .txt(["ok"]))])
            // Hop through several tasks so the cooperative pool must schedule work.
            for _ in 0..<20 {
                let answer = try await Task { try await zone.txt("x.example") }.value
                #expect(answer == ["ok"])
            }
            #expect(finished.value == 0, "lookups finished before the other tasks ran")
            let responder = server.answerEveryQueryRefused()
            try await group.waitForAll()
            responder.stop()
        }
        #expect(finished.value == lookups)
        withExtendedLifetime(server) {}
    }

    @Test func serverAddressForms() throws {
        #expect(try LiveResolver(server: "192.0.2.53").port == 53)
        #expect(try LiveResolver(server: "192.0.2.53:5353").port == 5353)
        #expect(try LiveResolver(server: "192.0.2.53").address.description == "192.0.2.53")
        #expect(try LiveResolver(server: "2001:db8::53").address.description == "2001:db8::53")
        #expect(try LiveResolver(server: "[2001:db8::53]:5353").port == 5353)
        #expect(try LiveResolver(server: "[::1]").address == .v6(IPv6Address(1)))
        for bad in ["", "192.0.2", "192.0.2.53:0", "192.0.2.53:70000", "[2001:db8::53", "host.example:53", "[192.0.2.1]"] {
            #expect(throws: LiveResolverError.invalidServer(bad)) { _ = try LiveResolver(server: bad) }
        }
        #expect(throws: LiveResolverError.self) {
            _ = try LiveResolver(server: "::1", configuration: .init(attempts: 0))
        }
    }
}
