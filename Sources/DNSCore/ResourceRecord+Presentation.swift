extension ResourceRecord {
    /// The record as one master-file line (RFC 1035 §5.1): `owner TTL CLASS TYPE RDATA`
    /// separated by tabs, the owner absolute. RDATA in RFC 3597 generic form is labelled
    /// `TYPEnnn` so that any loader accepts it.
    public var presentation: String {
        let typeText: String
        if case .unknown = rdata {
            typeText = "TYPE\(type.rawValue)"
        } else {
            typeText = type.description
        }
        return "\(name)\t\(ttl)\t\(rrClass)\t\(typeText)\t\(rdata.presentation)"
    }
}
