import Crypto
import Foundation
import X509

/// Creates self-signed TLS certificates for policy hosts and writes them to a certificate
/// directory in the layout ``CertificateStore`` reads.
///
/// Each certificate has a fresh P-256 key, subject `CN=<host>`, SAN `dNSName=<host>` (the only
/// name a sender checks, RFC 8461 §3.3 / RFC 6125), `extendedKeyUsage=serverAuth`, and is signed
/// by its own key with ECDSA-SHA256. Self-signed certificates are for tests, demos and
/// bootstrapping only: real senders need a publicly trusted certificate (e.g. ACME).
///
/// Files: `<directory>/<host>.key` (PKCS#8 PEM, mode 0600) and `<directory>/<host>.crt` (PEM),
/// each written to a temporary file and renamed into place, key first.
public struct SelfSignedIssuer: Sendable {
    /// Where certificate pairs are written.
    public let directory: String
    /// Lifetime of a new certificate, in seconds (default 90 days).
    public var validity: TimeInterval
    /// A certificate is renewed when it expires within this many seconds (default 30 days).
    public var renewalWindow: TimeInterval
    /// The clock; injectable for tests.
    public var now: @Sendable () -> Date
    /// The store serving ``directory``, whose cached verification ``needsIssue(_:)`` uses (each
    /// pair is then checked once per file change, shared with the gate); `nil`: each call reads
    /// and checks the pair itself.
    public let store: CertificateStore?

    /// Creates an issuer writing to `directory` (created if missing), with no store: every
    /// ``needsIssue(_:)`` reads and checks the pair from disk.
    public init(directory: String, validity: TimeInterval = 90 * 86_400,
                renewalWindow: TimeInterval = 30 * 86_400, now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = directory
        self.validity = validity
        self.renewalWindow = renewalWindow
        self.now = now
        self.store = nil
    }

    /// Creates an issuer writing to `store`'s directory (created if missing) and deciding from
    /// `store`'s cached verification (a `stat` per file when nothing changed).
    public init(store: CertificateStore, validity: TimeInterval = 90 * 86_400,
                renewalWindow: TimeInterval = 30 * 86_400, now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = store.directory
        self.validity = validity
        self.renewalWindow = renewalWindow
        self.now = now
        self.store = store
    }

    /// Makes sure every host in `hosts` has a pair that covers it and stays valid for longer than
    /// ``renewalWindow``; issues the missing or expiring ones.
    /// - Returns: the hosts (key form) for which a new certificate was written, sorted.
    /// - Throws: ``PolicyServerError`` for a bad host name or a failed write; hosts before it in
    ///   sorted order are already done.
    @discardableResult
    public func ensureCertificates(for hosts: [String]) throws(PolicyServerError) -> [String] {
        var issued: [String] = []
        var keys: [String] = []
        for host in hosts { keys.append(try PolicyHost.normalize(host)) }
        for host in Set(keys).sorted() where needsIssue(host) {
            try issue(for: host)
            issued.append(host)
        }
        return issued
    }

    /// Whether `host` (key form) lacks a usable pair (chain parses, key matches, SAN covers the
    /// host) valid for more than ``renewalWindow``.
    public func needsIssue(_ host: String) -> Bool {
        let validity: CertificateValidity?
        if let store {
            validity = store.validity(forHost: host)
        } else {
            validity = try? CertificateStore.verifiedPair(
                host: host, certificatePath: "\(directory)/\(host).crt", keyPath: "\(directory)/\(host).key").validity
        }
        guard let validity else { return true }
        return validity.notAfter <= now().addingTimeInterval(renewalWindow)
    }

    /// Issues a new pair for `host` and writes it, replacing any existing one.
    /// - Throws: ``PolicyServerError`` for a bad host, a signing failure, or a failed write.
    public func issue(for host: String) throws(PolicyServerError) {
        let host = try PolicyHost.normalize(host)
        let (certificatePEM, keyPEM) = try Self.makeCertificate(for: host, notBefore: now().addingTimeInterval(-3600),
                                                                 notAfter: now().addingTimeInterval(validity))
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: directory, reason: String(describing: error))
        }
        try Self.writeAtomically(keyPEM, to: "\(directory)/\(host).key", mode: 0o600)
        try Self.writeAtomically(certificatePEM, to: "\(directory)/\(host).crt", mode: 0o644)
    }

    /// A self-signed certificate and its key for `host`, both PEM text.
    /// - Throws: ``PolicyServerError/issueFailed(host:reason:)``.
    public static func makeCertificate(for host: String, notBefore: Date,
                                       notAfter: Date) throws(PolicyServerError) -> (certificate: String, key: String) {
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        do {
            let name = try DistinguishedName { CommonName(host) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName(host)])
            }
            var serial = [UInt8](repeating: 0, count: 16)
            for index in serial.indices { serial[index] = UInt8.random(in: 0...255) }
            serial[0] &= 0x7F
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial),
                publicKey: certificateKey.publicKey, notValidBefore: notBefore, notValidAfter: notAfter,
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: certificateKey)
            return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
        } catch {
            throw .issueFailed(host: host, reason: String(describing: error))
        }
    }

    /// Writes `text` to a temporary file created with `mode` (never wider, whatever the umask
    /// allows), then renames it to `path`.
    static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(PolicyServerError) {
        let temporary = "\(path).tmp-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .writeFailed(path: temporary, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw .writeFailed(path: temporary, reason: reason)
            }
            written += result
        }
        fchmod(fd, mode)
        let synced = fsync(fd) == 0
        let closed = close(fd) == 0
        guard synced, closed else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: temporary, reason: reason)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }
}
