import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A test failure in the harness itself (socket calls), with what was attempted.
struct SocketError: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "\(what): errno \(errno) (\(String(cString: strerror(errno))))" }
}

/// `127.x.y.z:port` as a socket address.
func loopbackAddress(_ host: String, port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr(host)
    return address
}

private func withSockaddr<R>(_ address: sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    var copy = address
    return withUnsafePointer(to: &copy) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

private func setReceiveTimeout(_ fd: Int32, milliseconds: Int) {
    var tv = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
}

/// A UDP client socket bound to one loopback source address (so a test can be two clients
/// in different prefixes), talking to one server port. Every receive is bounded.
final class UDPClient {
    let fd: Int32
    let server: sockaddr_in

    /// - Parameters:
    ///   - source: local address to bind, e.g. `127.0.0.2` (any port).
    ///   - port: the server's port on 127.0.0.1.
    init(source: String, port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket(UDP)") }
        var size: Int32 = 4 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let bound = withSockaddr(loopbackAddress(source, port: 0)) { bind(fd, $0, $1) }
        guard bound == 0 else { close(fd); throw SocketError("bind(\(source))") }
        self.fd = fd
        server = loopbackAddress("127.0.0.1", port: port)
    }

    deinit { close(fd) }

    /// Sends one datagram to the server.
    func send(_ message: [UInt8]) throws {
        let sent = message.withUnsafeBytes { raw in
            withSockaddr(server) { sendto(fd, raw.baseAddress, raw.count, 0, $0, $1) }
        }
        guard sent == message.count else { throw SocketError("sendto") }
    }

    /// The next datagram, waiting at most `timeoutMilliseconds` (0 = only what is already
    /// queued); nil when none came.
    func receive(timeoutMilliseconds: Int) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_535)
        let flags: Int32
        if timeoutMilliseconds == 0 {
            flags = Int32(MSG_DONTWAIT)
        } else {
            flags = 0
            setReceiveTimeout(fd, milliseconds: timeoutMilliseconds)
        }
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags) }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw SocketError("recv(UDP)")
        }
        return Array(buffer[0..<count])
    }

    /// One query and its answer (nil when none came within `timeoutMilliseconds`).
    func exchange(_ message: [UInt8], timeoutMilliseconds: Int = 2000) throws -> [UInt8]? {
        try send(message)
        return try receive(timeoutMilliseconds: timeoutMilliseconds)
    }
}

/// A blocking TCP client connection with a receive timeout.
final class TCPClient {
    let fd: Int32

    /// Connects from `source` to 127.0.0.1:`port`; every read waits at most `timeoutMilliseconds`.
    init(source: String = "127.0.0.1", port: Int, timeoutMilliseconds: Int = 5000) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket(TCP)") }
        setReceiveTimeout(fd, milliseconds: timeoutMilliseconds)
        let bound = withSockaddr(loopbackAddress(source, port: 0)) { bind(fd, $0, $1) }
        guard bound == 0 else { close(fd); throw SocketError("bind(\(source))") }
        let connected = withSockaddr(loopbackAddress("127.0.0.1", port: port)) { connect(fd, $0, $1) }
        guard connected == 0 else { close(fd); throw SocketError("connect(127.0.0.1:\(port))") }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes all of `bytes`.
    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw SocketError("send(TCP)") }
            offset += written
        }
    }

    /// Exactly `count` octets; nil on end of stream before any octet; throws on timeout.
    func read(count: Int) throws -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while out.count < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - out.count, 0) }
            if n == 0 { if out.isEmpty { return nil }; throw SocketError("TCP stream ended mid-message") }
            guard n > 0 else { throw SocketError("recv(TCP)") }
            out += buffer[0..<n]
        }
        return out
    }

    /// One length-prefixed DNS message (RFC 1035 §4.2.2); nil when the server closed.
    func readFramed() throws -> [UInt8]? {
        guard let prefix = try read(count: 2) else { return nil }
        let length = Int(prefix[0]) << 8 | Int(prefix[1])
        return try read(count: length)
    }

    /// Everything until the peer closes (for HTTP with `Connection: close`).
    func readToEnd() throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return out }
            guard n > 0 else { throw SocketError("recv(TCP)") }
            out += buffer[0..<n]
        }
    }

    /// `message` with its 2-octet length prefix.
    static func framed(_ message: [UInt8]) -> [UInt8] {
        [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }
}
