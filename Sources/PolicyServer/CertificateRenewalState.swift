import Foundation

/// What Herald remembers between ACME attempts, per policy host: the JSON file
/// `<certificate directory>/acme-state.json`, written atomically (temporary file + rename).
///
/// Shape: `{"hosts": {"mta-sts.example.com": {"lastAttempt": "2026-11-29T12:00:00Z",
/// "lastSuccess": …, "lastError": "…", "consecutiveFailures": 2,
/// "nextAttempt": "2026-11-29T12:30:00Z"}}}` (dates ISO 8601 UTC; absent keys are unset).
public struct CertificateRenewalState: Codable, Sendable, Equatable {
    /// One host's record.
    public struct Host: Codable, Sendable, Equatable {
        /// When a certificate was last asked for (lego run), or the name last checked.
        public var lastAttempt: Date?
        /// When a certificate was last installed.
        public var lastSuccess: Date?
        /// The last failure's message (ACME failure or "not pointing at us"); cleared on success.
        public var lastError: String?
        /// ACME failures since the last success (drives the backoff).
        public var consecutiveFailures: Int
        /// No ACME request before this time (backoff after a failure).
        public var nextAttempt: Date?

        /// An empty record.
        public init(lastAttempt: Date? = nil, lastSuccess: Date? = nil, lastError: String? = nil,
                    consecutiveFailures: Int = 0, nextAttempt: Date? = nil) {
            self.lastAttempt = lastAttempt
            self.lastSuccess = lastSuccess
            self.lastError = lastError
            self.consecutiveFailures = consecutiveFailures
            self.nextAttempt = nextAttempt
        }
    }

    /// Records by policy host (key form).
    public var hosts: [String: Host]

    /// A state with `hosts`.
    public init(hosts: [String: Host] = [:]) { self.hosts = hosts }

    /// Reads the state at `path`; an absent file is an empty state.
    /// - Throws: ``PolicyServerError/stateFile(path:reason:)`` for an unreadable or invalid file.
    public static func load(path: String) throws(PolicyServerError) -> CertificateRenewalState {
        guard FileManager.default.fileExists(atPath: path) else { return CertificateRenewalState() }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try decoder.decode(CertificateRenewalState.self, from: data)
        } catch {
            throw .stateFile(path: path, reason: String(describing: error))
        }
    }

    /// Writes the state to `path` atomically (mode 0644).
    /// - Throws: ``PolicyServerError/stateFile(path:reason:)``.
    public func save(path: String) throws(PolicyServerError) {
        let text: String
        do {
            text = String(decoding: try Self.encoder.encode(self), as: UTF8.self) + "\n"
        } catch {
            throw .stateFile(path: path, reason: String(describing: error))
        }
        do {
            try SelfSignedIssuer.writeAtomically(text, to: path, mode: 0o644)
        } catch {
            throw .stateFile(path: path, reason: error.description)
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
