import DNSCore
@testable import DNSAuthority

/// Builds a query message.
func makeQuery(_ qname: String, _ type: RRType, qclass: RRClass = .in, id: UInt16 = 0x1234, recursionDesired: Bool = false,
               edns: EDNS? = nil) -> [UInt8] {
    let message = DNSMessage(header: DNSHeader(id: id, recursionDesired: recursionDesired),
                             questions: [DNSQuestion(name: try! DNSName(qname), type: type, qclass: qclass)], edns: edns)
    return try! message.encode()
}

/// Bytes from a hex string with optional spaces.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    var out: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        out.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return out
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The standard test zones: H = hosted.example.net, R = reports.example.net, and the
/// customer-side example.com of the field cases.
enum Fixtures {
    static let exampleCom = """
    example.com.            3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
    example.com.            3600 IN NS  ns1.example.com.
    ns1.example.com.        3600 IN A   192.0.2.53
    _dmarc.example.com.      300 IN TXT "v=DMARC1; p=none"
    _smtp._tls.example.com.  300 IN TXT "v=TLSRPTv1; rua=mailto:tls@example.com"
    _mta-sts.example.com.    300 IN TXT "v=STSv1; id=20260115T103000Z"
    www.example.com.         300 IN A   192.0.2.80
    www.example.com.         300 IN AAAA 2001:db8::80
    alias.example.com.       300 IN CNAME www.example.com.
    policy.example.com.      300 IN CNAME example.com._dmarc.hosted.example.net.
    outside.example.com.     300 IN CNAME somewhere.example.org.
    dangling.example.com.    300 IN CNAME missing.example.com.
    loop1.example.com.       300 IN CNAME loop2.example.com.
    loop2.example.com.       300 IN CNAME loop1.example.com.
    example.com.             300 IN MX 10 mail.example.com.
    """

    static let hosted = """
    hosted.example.net. 3600 SOA ns1.hosted.example.net. hostmaster.hosted.example.net. 2026011501 7200 3600 1209600 600
    hosted.example.net. 3600 NS ns1.hosted.example.net.
    hosted.example.net. 3600 NS ns2.hosted.example.net.
    example.com._dmarc.hosted.example.net. 300 TXT "v=DMARC1; p=quarantine; rua=mailto:agg@hosted.example.net"
    mta-sts.hosted.example.net. 300 A 192.0.2.10
    """

    static let reports = """
    reports.example.net. 60 SOA ns1.hosted.example.net. hostmaster.hosted.example.net. 7 7200 3600 1209600 300
    reports.example.net. 3600 NS ns1.hosted.example.net.
    example.com._report._dmarc.reports.example.net. 300 TXT "v=DMARC1;"
    """

    static func snapshot() throws -> ZoneSnapshot {
        try ZoneSnapshot(zones: [
            ZoneText.zone("example.com", exampleCom),
            ZoneText.zone("hosted.example.net", hosted),
            ZoneText.zone("reports.example.net", reports),
        ], generation: 1)
    }
}

/// Runs a query through a responder and decodes the answer.
func ask(_ query: [UInt8], _ snapshot: ZoneSnapshot, transport: Responder.Transport = .udp,
         configuration: ResponderConfiguration = ResponderConfiguration()) throws -> (bytes: [UInt8], message: DNSMessage)? {
    guard let bytes = Responder(configuration: configuration).respond(to: query, transport: transport, snapshot: snapshot) else {
        return nil
    }
    return (bytes, try DNSMessage.decode(bytes))
}
