import Foundation

/// The part of a verified certificate that the announcement gate and the renewal decisions need:
/// the validity period and whether a CA vouches for it. Kept by ``CertificateStore`` for every
/// host (a few dozen bytes each); the full ``CertificateSummary`` is re-read on demand.
public struct CertificateValidity: Sendable, Equatable {
    /// Start of validity (RFC 5280 §4.1.2.5).
    public var notBefore: Date
    /// End of validity (RFC 5280 §4.1.2.5).
    public var notAfter: Date
    /// Whether the certificate is self-issued (issuer = subject, RFC 5280 §3.3): no public CA
    /// vouches for it, so senders do not accept it (RFC 8461 §3.3).
    public var isSelfSigned: Bool

    /// Memberwise initializer.
    public init(notBefore: Date, notAfter: Date, isSelfSigned: Bool) {
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isSelfSigned = isSelfSigned
    }

    /// Whether the certificate is within its validity period at `date`.
    public func isValid(at date: Date) -> Bool { notBefore <= date && date < notAfter }

    /// Seconds from `date` until the end of validity (negative once expired).
    public func secondsLeft(at date: Date) -> TimeInterval { notAfter.timeIntervalSince(date) }
}
