import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Hand-built DNS queries and plain-socket transports, independent of the product's codec.
///
/// Queries are assembled byte by byte from RFC 1035 §4.1 so that a bug shared by the product's
/// encoder and decoder cannot hide itself. Sockets are blocking with a receive timeout; every
/// call is bounded by that timeout.
enum RawDNS {
    /// A query message (RFC 1035 §4.1.1–4.1.2): one question, optional OPT (RFC 6891 §6.1.2).
    ///
    /// - Parameters:
    ///   - name: presentation text without escapes (`ExAmPlE.OrG._dmarc.hosted.example.net`);
    ///     case is kept as given.
    ///   - type: QTYPE (16 = TXT, 28 = AAAA, 1 = A, 6 = SOA).
    ///   - ednsPayload: when set, an OPT RR with this UDP payload size, version 0.
    static func query(_ name: String, type: UInt16, id: UInt16, recursionDesired: Bool = false,
                      ednsPayload: UInt16? = nil) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), recursionDesired ? 0x01 : 0x00, 0x00,
                              0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, ednsPayload == nil ? 0x00 : 0x01]
        bytes += question(name, type: type)
        if let payload = ednsPayload {
            bytes += [0x00, 0x00, 0x29, UInt8(payload >> 8), UInt8(payload & 0xFF), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        }
        return bytes
    }

    /// The question section bytes: QNAME labels, QTYPE, QCLASS IN.
    static func question(_ name: String, type: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        for label in name.split(separator: ".") {
            let octets = Array(label.utf8)
            bytes.append(UInt8(octets.count))
            bytes += octets
        }
        bytes.append(0)
        bytes += [UInt8(type >> 8), UInt8(type & 0xFF), 0x00, 0x01]
        return bytes
    }

    /// Sends `message` over UDP to 127.0.0.1:`port` and returns the first datagram back, or
    /// `nil` when none arrives within `timeoutMilliseconds`.
    static func udp(_ message: [UInt8], port: Int, timeoutMilliseconds: Int = 2000) throws -> [UInt8]? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(UDP): errno \(errno)") }
        defer { close(fd) }
        try setReceiveTimeout(fd, milliseconds: timeoutMilliseconds)
        var address = loopback(port: port)
        let sent = message.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == message.count else { throw HarnessError("sendto: errno \(errno)") }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if received < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw HarnessError("recv(UDP): errno \(errno)")
        }
        return Array(buffer[0..<received])
    }

    /// A connected TCP socket to 127.0.0.1:`port` (RFC 7766), closed by ``TCPConnection/close()``.
    static func connectTCP(port: Int, timeoutMilliseconds: Int = 3000) throws -> TCPConnection {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(TCP): errno \(errno)") }
        do {
            try setReceiveTimeout(fd, milliseconds: timeoutMilliseconds)
            var address = loopback(port: port)
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard status == 0 else { throw HarnessError("connect(127.0.0.1:\(port)): errno \(errno)") }
        } catch {
            close(fd)
            throw error
        }
        return TCPConnection(fd: fd)
    }

    /// One query over a fresh TCP connection; the answer without its length prefix.
    static func tcp(_ message: [UInt8], port: Int) throws -> [UInt8] {
        let connection = try connectTCP(port: port)
        defer { connection.close() }
        try connection.write(framed(message))
        return try connection.readFramedMessage()
    }

    /// `message` with its 2-octet length prefix (RFC 1035 §4.2.2).
    static func framed(_ message: [UInt8]) -> [UInt8] {
        [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func setReceiveTimeout(_ fd: Int32, milliseconds: Int) throws {
        var tv = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw HarnessError("setsockopt(SO_RCVTIMEO): errno \(errno)")
        }
    }
}

/// A blocking TCP connection with a receive timeout.
final class TCPConnection {
    let fd: Int32
    private var closed = false

    init(fd: Int32) { self.fd = fd }
    deinit { close() }

    /// Writes all of `bytes` (one `send` call when the kernel takes it all, as it does on loopback).
    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HarnessError("send(TCP): errno \(errno)") }
            offset += n
        }
    }

    /// Reads exactly `count` octets; throws on timeout or when the peer closes first.
    func read(exactly count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let n = out[offset...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { throw HarnessError("TCP peer closed after \(offset) of \(count) octets") }
            if n < 0 { throw HarnessError("recv(TCP) after \(offset) of \(count) octets: errno \(errno)") }
            offset += n
        }
        return out
    }

    /// One length-prefixed DNS message (RFC 1035 §4.2.2), without the prefix.
    func readFramedMessage() throws -> [UInt8] {
        let prefix = try read(exactly: 2)
        return try read(exactly: Int(prefix[0]) << 8 | Int(prefix[1]))
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}
