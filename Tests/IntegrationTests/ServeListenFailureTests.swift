import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `herald serve` with a listener it cannot open exits with a message naming the option and
/// address; it never keeps running half-started (DNS up, no policy endpoint, deaf to SIGTERM).
@Suite struct ServeListenFailureTests {
    /// A TCP socket listening on 127.0.0.1, port chosen by the kernel; closed on `close()`.
    final class BusyPort {
        let fd: Int32
        let port: Int
        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw HarnessError("socket: errno \(errno)") }
            var address = RawDNS.loopback(port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0, listen(fd, 4) == 0 else { _ = Glibc.close(fd); throw HarnessError("bind/listen: errno \(errno)") }
            var actual = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            self.port = Int(UInt16(bigEndian: actual.sin_port))
        }
        func close() { _ = Glibc.close(fd) }
    }

    @Test func httpsPortInUseExitsNamingTheOption() async throws {
        try await withHerald { herald in
            try await herald.createDemoInventory()
            let busy = try BusyPort()
            defer { busy.close() }
            let result = try await herald.run(
                ["serve", "--dns", "127.0.0.1:0", "--https", "127.0.0.1:\(busy.port)", "--no-refresh",
                 "--cert-dir", herald.directory + "/certs"],
                timeout: .seconds(120))
            #expect(!result.succeeded, "serve kept running or exited 0: \(result)")
            #expect(result.stderr.contains("--https '127.0.0.1:\(busy.port)'"), "\(result.stderr)")
            #expect(result.stderr.contains("cannot listen"), "\(result.stderr)")
            #expect(!result.stdout.contains("herald: serving"), "the banner claims to serve: \(result.stdout)")
        }
    }
}
