#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a policy host's addresses, so ``CertificateManager`` can check that `mta-sts.D`
/// reaches this policy server before asking a CA (an HTTP-01 validation of a name that points
/// elsewhere fails and counts against the CA's rate limits, RFC 8555 §8.3).
///
/// `herald serve` wires the configured upstream resolver (libldns, following CNAMEs); tests
/// pass a table.
public protocol PolicyHostResolver: Sendable {
    /// The IPv4 and IPv6 addresses (presentation text) of `host` after following CNAMEs;
    /// `[]` when it has none.
    /// - Throws: any error when the name does not exist or cannot be resolved.
    func addresses(of host: String) async throws -> [String]
}

/// IP address text in one canonical form, for comparing resolved and configured addresses.
public enum PolicyAddress {
    /// The canonical text of an IPv4 or IPv6 address (`inet_ntop` form: `2001:db8::1`), or
    /// `nil` when `text` is neither.
    public static func canonical(_ text: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}
