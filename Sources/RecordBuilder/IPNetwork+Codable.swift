/// `IPNetwork` encodes as its canonical CIDR text with the length always present
/// (`"192.0.2.0/24"`, `"2001:db8::1/128"`) and decodes from any text ``IPNetwork/parse(_:)``
/// accepts (host bits are cleared, RFC 4632 §3.1).
extension IPNetwork: Codable {
    /// Decodes a network from a string.
    /// - Throws: `DecodingError.dataCorrupted` naming the text when it is not a network.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPNetwork.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\": \(error)")
        }
    }

    /// Encodes the network as `address/length`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
