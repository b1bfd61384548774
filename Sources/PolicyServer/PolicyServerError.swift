/// Why the MTA-STS policy server could not do what was asked.
///
/// Errors are logged or thrown, not both; the HTTP layer never turns one into a status other than
/// 404 (RFC 8461 §3.3: anything but 200 means "no policy"), and a TLS handshake with no
/// certificate for the SNI name fails.
public enum PolicyServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A host name given to the store, issuer or certificate directory is not a DNS host name
    /// (LDH labels of 1…63 octets, ≤ 253 octets in all, RFC 1123 §2.1).
    case invalidHost(String)
    /// A policy body is larger than ``PolicyStore/maximumBodySize`` octets (RFC 8461 §3.3 lets
    /// senders stop at 64 KiB).
    case policyTooLarge(host: String, octets: Int)
    /// No certificate is loaded for the TLS SNI name `host` (`nil`: the client sent no SNI).
    case noCertificate(host: String?)
    /// A PEM file could not be read or parsed.
    case unreadableFile(path: String, reason: String)
    /// The certificate at `path` has no SAN `dNSName` equal to `host` (RFC 8461 §3.3).
    case certificateDoesNotCoverHost(path: String, host: String)
    /// The key at `keyPath` is not the key of the certificate at `certificatePath`.
    case keyDoesNotMatchCertificate(certificatePath: String, keyPath: String)
    /// Writing `path` failed.
    case writeFailed(path: String, reason: String)
    /// Building or signing a certificate for `host` failed.
    case issueFailed(host: String, reason: String)
    /// Obtaining a certificate for `host` from the ACME CA failed (RFC 8555); `reason` is the
    /// end of lego's output or why it could not run.
    case acmeFailed(host: String, reason: String)
    /// `host` does not resolve to any policy-server address, so no certificate is requested
    /// (an HTTP-01 validation would fail there). `found`: its addresses (empty when it does not
    /// resolve; `reason` then says why); `expected`: the policy servers' addresses.
    case notPointingAtPolicyServer(host: String, found: [String], expected: [String], reason: String?)
    /// The ACME renewal state file at `path` could not be read or written.
    case stateFile(path: String, reason: String)
    /// Another Herald process holds the renewal lock at `path`.
    case renewalInProgress(path: String)

    public var description: String {
        switch self {
        case .invalidHost(let host):
            return "host \"\(host)\" is not a DNS host name"
        case .policyTooLarge(let host, let octets):
            return "policy for \(host) is \(octets) octets, over the \(PolicyStore.maximumBodySize)-octet limit"
        case .noCertificate(let host):
            return "no certificate for TLS server name \(host.map { "\"\($0)\"" } ?? "(none sent)")"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .certificateDoesNotCoverHost(let path, let host):
            return "certificate \(path) has no subjectAltName dNSName \(host)"
        case .keyDoesNotMatchCertificate(let certificatePath, let keyPath):
            return "key \(keyPath) does not belong to certificate \(certificatePath)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .issueFailed(let host, let reason):
            return "cannot issue a certificate for \(host): \(reason)"
        case .acmeFailed(let host, let reason):
            return "ACME certificate for \(host) not obtained: \(reason)"
        case .notPointingAtPolicyServer(let host, let found, let expected, let reason):
            let got = reason ?? (found.isEmpty ? "no A/AAAA records" : found.joined(separator: " "))
            return "not pointing at us: \(host) resolves to \(got), expected one of \(expected.joined(separator: " ")) (publish mta-sts.D CNAME to the hosted mta-sts name)"
        case .stateFile(let path, let reason):
            return "ACME state file \(path): \(reason)"
        case .renewalInProgress(let path):
            return "another herald process is renewing certificates (lock \(path) held)"
        }
    }
}
