import Foundation
import X509

/// What a policy host's certificate says about itself: issuer, validity and names.
///
/// Read from the leaf (first certificate) of a PEM chain. Built on demand by
/// ``CertificateStore/summary(forHost:)`` (which keeps only the smaller ``CertificateValidity`` per
/// host) for `herald certs status` and the renewal decisions of ``CertificateManager``, and from
/// lego's output before it is installed.
public struct CertificateSummary: Sendable, Equatable {
    /// The issuer's distinguished name (RFC 4514 text, e.g. `CN=Pebble Intermediate CA 7a2f3c`).
    public var issuer: String
    /// The subject's distinguished name (RFC 4514 text).
    public var subject: String
    /// Start of validity (RFC 5280 §4.1.2.5).
    public var notBefore: Date
    /// End of validity (RFC 5280 §4.1.2.5).
    public var notAfter: Date
    /// The subjectAltName `dNSName` entries (RFC 5280 §4.2.1.6), as written.
    public var dnsNames: [String]
    /// Whether the certificate is self-issued (issuer = subject, RFC 5280 §3.3): no public CA
    /// vouches for it, so senders do not accept it (RFC 8461 §3.3).
    public var isSelfSigned: Bool

    /// Memberwise initializer.
    public init(issuer: String, subject: String, notBefore: Date, notAfter: Date, dnsNames: [String], isSelfSigned: Bool) {
        self.issuer = issuer
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.dnsNames = dnsNames
        self.isSelfSigned = isSelfSigned
    }

    /// The summary of `certificate`.
    public init(_ certificate: Certificate) {
        issuer = certificate.issuer.description
        subject = certificate.subject.description
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        let names: [GeneralName] = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map { Array($0) } ?? []
        dnsNames = names.compactMap { name -> String? in
            if case .dnsName(let dnsName) = name { return dnsName }
            return nil
        }
        isSelfSigned = certificate.issuer == certificate.subject
    }

    /// The summary of the first certificate in the PEM text `pem` (a chain file's leaf).
    /// - Throws: ``PolicyServerError/unreadableFile(path:reason:)`` naming `source`.
    public init(pem: String, source: String) throws(PolicyServerError) {
        let end = "-----END CERTIFICATE-----"
        let first = pem.range(of: end).map { String(pem[..<$0.upperBound]) } ?? pem
        do {
            self.init(try Certificate(pemEncoded: first))
        } catch {
            throw .unreadableFile(path: source, reason: String(describing: error))
        }
    }

    /// The validity period and self-signedness (what ``CertificateStore`` keeps per host).
    public var validity: CertificateValidity {
        CertificateValidity(notBefore: notBefore, notAfter: notAfter, isSelfSigned: isSelfSigned)
    }

    /// Whether the certificate is within its validity period at `date`.
    public func isValid(at date: Date) -> Bool { notBefore <= date && date < notAfter }

    /// Seconds from `date` until the end of validity (negative once expired).
    public func secondsLeft(at date: Date) -> TimeInterval { notAfter.timeIntervalSince(date) }
}
