import DNSAuthority
import DNSServer
import HeraldFuzzHarness
import Logging

/// A query message built byte by byte (RFC 1035 §4.1): one question, class IN unless given,
/// optional OPT with a 1232-octet payload (RFC 6891 §6.1.2).
func query(_ name: String, type: UInt16, id: UInt16 = 0x1234, qclass: UInt16 = 1, flags: UInt16 = 0,
           edns: Bool = false) -> [UInt8] {
    var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF),
                          0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0]
    for label in name.split(separator: ".") {
        bytes.append(UInt8(label.utf8.count))
        bytes += Array(label.utf8)
    }
    bytes += [0, UInt8(type >> 8), UInt8(type & 0xFF), UInt8(qclass >> 8), UInt8(qclass & 0xFF)]
    if edns { bytes += [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0] }
    return bytes
}

/// Header fields of a response, read by hand.
struct Header {
    let id: UInt16
    let truncated: Bool
    let rcode: UInt8
    let qdcount: Int
    let ancount: Int
    let nscount: Int
    let arcount: Int

    init(_ bytes: [UInt8]) {
        id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        truncated = bytes[2] & 0x02 != 0
        rcode = bytes[3] & 0x0F
        qdcount = Int(bytes[4]) << 8 | Int(bytes[5])
        ancount = Int(bytes[6]) << 8 | Int(bytes[7])
        nscount = Int(bytes[8]) << 8 | Int(bytes[9])
        arcount = Int(bytes[10]) << 8 | Int(bytes[11])
    }
}

/// A DNS server on 127.0.0.1, port 0, answering from the fuzz zones (example.com,
/// hosted.example.net, reports.example.net).
func startServer(_ configuration: (inout DNSServerConfiguration) -> Void = { _ in },
                 metrics: DNSServerMetrics = DNSServerMetrics()) async throws -> (DNSServer, Int) {
    var config = DNSServerConfiguration(host: "127.0.0.1", port: 0, threads: 2)
    configuration(&config)
    let handler = SnapshotQueryHandler(responder: Responder(), reference: SnapshotReference(FuzzZones.snapshot))
    let server = DNSServer(configuration: config, handler: handler, logger: Logger(label: "test.dns"), metrics: metrics)
    let port = try await server.start()
    return (server, port)
}
