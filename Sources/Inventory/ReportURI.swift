/// Where reports go: a `mailto:` address or an `https:` URL.
///
/// DMARC `rua`/`ruf` take `mailto:` only in Herald (RECORDS.md "DMARC"; RFC 7489 §6.2 allows
/// more, but receivers only implement mail). TLS-RPT `rua` takes either (RFC 8460 §3).
/// Percent-encoding of `,` and `!` happens when the record is rendered, not here.
public enum ReportURI: Hashable, Sendable, CustomStringConvertible, Codable {
    /// `mailto:` followed by `address` (`local@domain`, the domain in A-label form).
    case mailto(address: String)
    /// An `https:` URL, stored as typed.
    case https(url: String)

    /// Which schemes an argument accepts.
    public enum Schemes: Sendable {
        case mailtoOnly
        case mailtoOrHTTPS
    }

    /// Parses a report URI.
    ///
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` for another scheme
    ///   (or none), an address without a local part or a valid domain, whitespace, `;`, or
    ///   control characters (which would break the record's tag list).
    public init(parsing input: String, argument: String, schemes: Schemes) throws {
        func fail(_ reason: String) -> InventoryError {
            .invalidValue(argument: argument, value: input, reason: reason)
        }
        if input.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0 == ";" || $0.value == 0x7F }) {
            throw fail("a report URI cannot hold spaces, control characters or ';'")
        }
        let lower = input.lowercased()
        if lower.hasPrefix("mailto:") {
            let address = String(input.dropFirst("mailto:".count))
            self = .mailto(address: try Self.mailAddress(address, argument: argument, original: input))
        } else if lower.hasPrefix("https://") {
            guard schemes == .mailtoOrHTTPS else {
                throw fail("only 'mailto:' URIs are accepted here (RECORDS.md, RFC 7489 §6.2)")
            }
            let rest = input.dropFirst("https://".count)
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let hostOnly = host.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            do {
                _ = try InventoryName(parsing: hostOnly, argument: argument)
            } catch let error as InventoryError {
                throw error.reported(as: argument, value: input)
            }
            self = .https(url: "https://" + hostOnly.lowercased() + rest.dropFirst(hostOnly.count))
        } else {
            // A bare address is refused, not guessed at, but the fix is named (field case C26).
            let hint = input.contains("@") && !input.contains(":") ? "; did you mean 'mailto:\(input)'?" : ""
            throw fail((schemes == .mailtoOnly
                ? "must start with 'mailto:' (RFC 7489 §6.2)"
                : "must start with 'mailto:' or 'https://' (RFC 8460 §3)") + hint)
        }
    }

    /// Validates `local@domain` and returns it with the domain in lowercase A-label form.
    static func mailAddress(_ address: String, argument: String, original: String) throws -> String {
        guard let at = address.lastIndex(of: "@") else {
            throw InventoryError.invalidValue(argument: argument, value: original, reason: "'\(address)' is not a mail address (no '@')")
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64 else {
            throw InventoryError.invalidValue(argument: argument, value: original,
                                              reason: "the local part before '@' must be 1 to 64 octets (RFC 5321 §4.5.3.1.1)")
        }
        let name: InventoryName
        do {
            name = try InventoryName(parsing: String(domain), argument: argument)
        } catch let error as InventoryError {
            throw error.reported(as: argument, value: original)
        }
        return String(local) + "@" + name.text
    }

    /// The URI text: `mailto:dmarc@reports.example.net`, `https://…`.
    public var description: String {
        switch self {
        case let .mailto(address): return "mailto:" + address
        case let .https(url): return url
        }
    }

    /// The domain part of a `mailto:` address, or `nil` for `https:`.
    public var mailDomain: String? {
        guard case let .mailto(address) = self, let at = address.lastIndex(of: "@") else { return nil }
        return String(address[address.index(after: at)...])
    }

    /// Reads a stored URI.
    init?(stored text: String) {
        guard let uri = try? ReportURI(parsing: text, argument: "stored", schemes: .mailtoOrHTTPS) else { return nil }
        self = uri
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uri = ReportURI(stored: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a report URI: \(text)"))
        }
        self = uri
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
