import Synchronization

/// The MTA-STS policy bodies being served, by policy host, swapped atomically.
///
/// Keys are policy hosts in key form (`mta-sts.example.com`, see ``PolicyHost``); values are the
/// exact bodies served (RFC 8461 §3.2: CRLF lines, `version` first). The whole map is replaced in
/// one step by ``replace(with:)`` from each published snapshot, so a reader sees either the old
/// map or the new one, never a mix (RFC 8461 §8.1: the body is served no later than the TXT `id`
/// that announces it, so publish the store before the zone). Reads take a lock only to copy a
/// reference to the immutable dictionary.
public final class PolicyStore: Sendable {
    /// Largest accepted body, in octets (RFC 8461 §3.3: senders may stop reading at 64 KiB).
    public static let maximumBodySize = 65_536

    private let current: Mutex<[String: String]>

    /// Creates a store serving `policies` (policy host → body).
    /// - Throws: ``PolicyServerError`` for a bad host or an oversized body.
    public init(policies: [String: String] = [:]) throws(PolicyServerError) {
        current = Mutex(try Self.validated(policies))
    }

    /// Replaces every policy at once with `policies` (policy host → body).
    /// - Throws: ``PolicyServerError`` for a bad host or an oversized body; the old map stays.
    public func replace(with policies: [String: String]) throws(PolicyServerError) {
        let validated = try Self.validated(policies)
        current.withLock { $0 = validated }
    }

    /// The body served for `host` (any case, trailing dot allowed), or `nil`.
    public func policy(forHost host: String) -> String? {
        guard let key = try? PolicyHost.normalize(host) else { return nil }
        return snapshot()[key]
    }

    /// The hosts currently served, in key form.
    public var hosts: Set<String> { Set(snapshot().keys) }

    /// The current map (an immutable copy; cheap, copy-on-write).
    public func snapshot() -> [String: String] { current.withLock { $0 } }

    private static func validated(_ policies: [String: String]) throws(PolicyServerError) -> [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(policies.count)
        for (host, body) in policies {
            let key = try PolicyHost.normalize(host)
            guard body.utf8.count <= maximumBodySize else {
                throw .policyTooLarge(host: key, octets: body.utf8.count)
            }
            result[key] = body
        }
        return result
    }
}
