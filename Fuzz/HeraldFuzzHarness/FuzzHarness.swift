import DNSAuthority
import DNSCore

/// One fuzz input through the request path, with the properties every answer must have.
///
/// The input is a query message as it would arrive (for TCP, without the length prefix). It
/// goes through each of ``FuzzZones/responders`` over UDP and TCP on ``FuzzZones/snapshot``,
/// and DNSCore's decoder reads the query too. A broken property is a trap (`precondition`),
/// which libFuzzer reports as a crash and the regression test reports as a failure:
/// - a query of ≥ 12 octets with QR=0 is answered; shorter ones or QR=1 are dropped (RFC 1035 §4.1.1);
/// - a response decodes with DNSCore, has QR=1 and the query's ID;
/// - UDP: at most the responder's `maxUDPPayload`, at most 512 octets without OPT (RFC 6891 §6.2.5);
/// - a UDP answer without TC is byte-identical to the TCP answer (the limit is the only difference).
public enum FuzzHarness {
    /// Runs one input; traps on a broken property.
    public static func run(_ query: UnsafeRawBufferPointer) {
        _ = try? DNSMessage.decode(Array(query))
        let shouldAnswer = query.count >= 12 && query[2] & 0x80 == 0
        for responder in FuzzZones.responders {
            let udp = responder.respond(to: query, transport: .udp, snapshot: FuzzZones.snapshot)
            let tcp = responder.respond(to: query, transport: .tcp, snapshot: FuzzZones.snapshot)
            precondition((udp != nil) == shouldAnswer, "UDP: answered \(udp != nil), expected \(shouldAnswer)")
            precondition((tcp != nil) == shouldAnswer, "TCP: answered \(tcp != nil), expected \(shouldAnswer)")
            guard let udp, let tcp else { continue }
            check(udp, query: query, limit: responder.configuration.maxUDPPayload, transport: "UDP")
            check(tcp, query: query, limit: 65535, transport: "TCP")
            if udp[2] & 0x02 == 0 {
                precondition(udp == tcp, "UDP answer without TC differs from the TCP answer")
            }
        }
    }

    private static func check(_ response: [UInt8], query: UnsafeRawBufferPointer, limit: Int, transport: String) {
        precondition(response.count >= 12 && response.count <= limit, "\(transport): response of \(response.count) octets, limit \(limit)")
        precondition(response[0] == query[0] && response[1] == query[1], "\(transport): ID not echoed")
        precondition(response[2] & 0x80 != 0, "\(transport): QR not set")
        let message: DNSMessage
        do {
            message = try DNSMessage.decode(response)
        } catch {
            preconditionFailure("\(transport): response does not decode: \(error)")
        }
        if transport == "UDP", message.edns == nil {
            precondition(response.count <= 512, "UDP: \(response.count) octets without OPT")
        }
    }
}
