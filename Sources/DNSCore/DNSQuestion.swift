/// One entry of the question section: QNAME, QTYPE, QCLASS (RFC 1035 §4.1.2).
public struct DNSQuestion: Hashable, Sendable, CustomStringConvertible {
    /// The name asked about, case preserved.
    public var name: DNSName
    /// QTYPE.
    public var type: RRType
    /// QCLASS.
    public var qclass: RRClass

    /// Creates a question.
    public init(name: DNSName, type: RRType, qclass: RRClass = .in) {
        self.name = name
        self.type = type
        self.qclass = qclass
    }

    /// `name CLASS TYPE`, as dig shows a question.
    public var description: String { "\(name) \(qclass) \(type)" }
}
