import Foundation
import Logging
import NIOSSL
import Synchronization
import X509

/// The TLS certificates of the policy hosts, read from a directory and chosen by SNI name.
///
/// Layout: `<directory>/<host>.crt` (PEM chain, leaf first) and `<directory>/<host>.key` (PEM
/// private key) for each policy host `mta-sts.D` in key form. A pair is used only when the leaf's
/// subjectAltName has a `dNSName` covering the host (exactly, or as a `*.` wildcard over the
/// left-most label) and the key belongs to the certificate (RFC 8461 §3.3, field case C22).
///
/// Reloading is automatic and cheap: each lookup `stat`s the host's two files and re-reads them
/// only when the inode, size or modification time changed; a pair that disappears stops being
/// served. A pair that fails to load is logged once per change and not served; the last good pair
/// for that host is dropped too, so a broken renewal fails closed rather than serving stale data.
/// ``reload()`` re-reads the whole directory at once (e.g. on SIGHUP).
///
/// A name with no usable pair gets no certificate: the TLS handshake fails. There is no default
/// certificate, so one customer's certificate is never offered for another customer's name.
public final class CertificateStore: Sendable {
    /// The directory holding `<host>.crt` / `<host>.key` pairs.
    public let directory: String
    private let logger: Logger
    private let cache: Mutex<[String: Entry]>

    /// What was last read for one host, and the file identities it was read from.
    private struct Entry: Sendable {
        var certificateStamp: FileStamp
        var keyStamp: FileStamp
        var loaded: Result<LoadedPair, PolicyServerError>
    }

    /// A pair that passed every check: what TLS presents, and what the leaf says.
    struct LoadedPair: Sendable {
        var override: NIOSSLContextConfigurationOverride
        var summary: CertificateSummary
    }

    /// Creates a store over `directory`; nothing is read until the first lookup or ``reload()``.
    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
        self.cache = Mutex([:])
    }

    /// The certificate chain and key to present for the SNI name `serverName`.
    /// - Throws: ``PolicyServerError/noCertificate(host:)`` when the name is missing, not a host
    ///   name, or has no usable pair; the specific load error is logged.
    public func configurationOverride(forServerName serverName: String?) throws(PolicyServerError) -> NIOSSLContextConfigurationOverride {
        guard let serverName, let host = try? PolicyHost.normalize(serverName) else {
            throw .noCertificate(host: serverName)
        }
        switch entry(for: host) {
        case .success(let pair): return pair.override
        case .failure, nil: throw .noCertificate(host: host)
        }
    }

    /// Hosts with a usable certificate right now (after checking the files), sorted.
    public func availableHosts() -> [String] {
        hostsInDirectory().filter {
            if case .success = entry(for: $0) { return true }
            return false
        }
    }

    /// The leaf summary of `host`'s usable pair (after checking its files), or `nil` when the
    /// host has no pair or its pair failed to load.
    public func summary(forHost host: String) -> CertificateSummary? {
        guard let host = try? PolicyHost.normalize(host), case .success(let pair) = entry(for: host) else { return nil }
        return pair.summary
    }

    /// Why `host`'s pair is not usable: `nil` when it is usable or absent.
    public func loadError(forHost host: String) -> PolicyServerError? {
        guard let host = try? PolicyHost.normalize(host), case .failure(let error) = entry(for: host) else { return nil }
        return error
    }

    /// Forgets everything read so far and reads every pair in the directory again.
    /// - Returns: the hosts whose pair failed to load, with the reason.
    @discardableResult
    public func reload() -> [String: PolicyServerError] {
        cache.withLock { $0.removeAll() }
        var failures: [String: PolicyServerError] = [:]
        for host in hostsInDirectory() {
            if case .failure(let error) = entry(for: host) { failures[host] = error }
        }
        return failures
    }

    /// Paths of the certificate and key files for `host` (key form).
    public func paths(forHost host: String) -> (certificate: String, key: String) {
        ("\(directory)/\(host).crt", "\(directory)/\(host).key")
    }

    private func hostsInDirectory() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> String? in
            guard name.hasSuffix(".crt") else { return nil }
            let stem = String(name.dropLast(4))
            // Only files already named in key form: lookups build paths from the key form.
            return (try? PolicyHost.normalize(stem)) == stem ? stem : nil
        }.sorted()
    }

    /// The cached entry for `host`, re-read when its files changed; `nil` when they are absent.
    private func entry(for host: String) -> Result<LoadedPair, PolicyServerError>? {
        let (certificatePath, keyPath) = paths(forHost: host)
        guard let certificateStamp = FileStamp(path: certificatePath),
              let keyStamp = FileStamp(path: keyPath) else {
            cache.withLock { _ = $0.removeValue(forKey: host) }
            return nil
        }
        if let cached = cache.withLock({ $0[host] }),
           cached.certificateStamp == certificateStamp, cached.keyStamp == keyStamp {
            return cached.loaded
        }
        let loaded = Result { () throws(PolicyServerError) in
            try Self.loadPair(host: host, certificatePath: certificatePath, keyPath: keyPath)
        }
        switch loaded {
        case .success:
            logger.info("certificate loaded", metadata: ["host": .string(host), "path": .string(certificatePath)])
        case .failure(let error):
            logger.error("certificate not usable", metadata: ["host": .string(host), "error": .string(error.description)])
        }
        cache.withLock {
            $0[host] = Entry(certificateStamp: certificateStamp, keyStamp: keyStamp, loaded: loaded)
        }
        return loaded
    }

    /// Reads and checks one pair; the TLS configuration override to present.
    static func load(host: String, certificatePath: String,
                     keyPath: String) throws(PolicyServerError) -> NIOSSLContextConfigurationOverride {
        try loadPair(host: host, certificatePath: certificatePath, keyPath: keyPath).override
    }

    /// Reads and checks one pair (chain parses, key matches the leaf, SAN covers `host`).
    static func loadPair(host: String, certificatePath: String,
                         keyPath: String) throws(PolicyServerError) -> LoadedPair {
        let certificatePEM = try readText(certificatePath)
        let keyPEM = try readText(keyPath)
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let leaf: Certificate
        let x509Key: Certificate.PrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
            // The leaf is the first certificate; an ACME chain file holds the intermediates too.
            guard let first = chain.first else { throw PolicyServerError.unreadableFile(path: certificatePath, reason: "no certificate in file") }
            leaf = try Certificate(derEncoded: try first.toDERBytes())
        } catch {
            throw .unreadableFile(path: certificatePath, reason: String(describing: error))
        }
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            x509Key = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw .unreadableFile(path: keyPath, reason: String(describing: error))
        }
        guard x509Key.publicKey == leaf.publicKey else {
            throw .keyDoesNotMatchCertificate(certificatePath: certificatePath, keyPath: keyPath)
        }
        guard covers(leaf, host: host) else {
            throw .certificateDoesNotCoverHost(path: certificatePath, host: host)
        }
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(key)
        return LoadedPair(override: override, summary: CertificateSummary(leaf))
    }

    /// Whether a SAN `dNSName` of `certificate` matches `host` (RFC 6125 §6.4.3: exact, or `*`
    /// as the whole left-most label).
    static func covers(_ certificate: Certificate, host: String) -> Bool {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
        for name in names {
            guard case .dnsName(let dnsName) = name, let pattern = try? PolicyHost.normalize(
                dnsName.hasPrefix("*.") ? String(dnsName.dropFirst(2)) : dnsName) else { continue }
            if dnsName.hasPrefix("*.") {
                if let dot = host.firstIndex(of: "."), host[host.index(after: dot)...] == pattern { return true }
            } else if pattern == host {
                return true
            }
        }
        return false
    }

    private static func readText(_ path: String) throws(PolicyServerError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: String(describing: error))
        }
    }
}

/// Identity of a file's current contents: device, inode, size and modification time (ns).
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// `stat(2)` of `path`, or `nil` when it does not exist or is not a regular file.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
