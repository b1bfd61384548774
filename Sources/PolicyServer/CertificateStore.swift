import Foundation
import Logging
import NIOSSL
import Synchronization
import X509

/// The TLS certificates of the policy hosts, read from a directory and chosen by SNI name.
///
/// Layout: `<directory>/<host>.crt` (PEM chain, leaf first) and `<directory>/<host>.key` (PEM
/// private key) for each policy host `mta-sts.D` in key form. A pair is used only when every
/// certificate of the chain parses, the key belongs to the leaf, and the leaf's subjectAltName has
/// a `dNSName` covering the host (exactly, or as a `*.` wildcard over the left-most label)
/// (RFC 8461 §3.3, field case C22).
///
/// Memory: per host the store keeps only the two files' stamps and either a
/// ``CertificateValidity`` (a few dozen bytes) or the load error. The TLS material (OpenSSL chain
/// and key objects) is built on demand at a handshake and kept in a least-recently-used cache of
/// at most ``tlsCacheCapacity`` hosts; MTA-STS handshakes are rare (senders cache a policy for
/// days), so a miss costs one read and parse of the two files.
///
/// Reloading is automatic and cheap: each lookup `stat`s the host's two files and re-reads and
/// re-checks them only when the inode, size or modification time changed, so a pair is verified
/// once per file change whichever caller (gate, issuer, renewal, handshake) asks first. A pair
/// that disappears stops being served. A pair that fails to load is logged once per change and not
/// served; the last good pair for that host is dropped too (also from the TLS cache), so a broken
/// renewal fails closed rather than serving stale data. ``reload()`` re-reads the whole directory
/// at once (e.g. on SIGHUP).
///
/// A name with no usable pair gets no certificate: the TLS handshake fails. There is no default
/// certificate, so one customer's certificate is never offered for another customer's name.
public final class CertificateStore: Sendable {
    /// The directory holding `<host>.crt` / `<host>.key` pairs.
    public let directory: String
    /// Most hosts whose TLS material (chain and key) is kept in memory between handshakes.
    public let tlsCacheCapacity: Int
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var entries: [String: Entry] = [:]
        var tls: TLSOverrideCache
        /// Pairs read and checked from disk so far (tests count them).
        var pairReads = 0
    }

    /// What was last read for one host, and the file identities it was read from.
    private struct Entry {
        var certificateStamp: FileStamp
        var keyStamp: FileStamp
        var verified: Result<CertificateValidity, PolicyServerError>

        func matches(_ stamps: (certificate: FileStamp, key: FileStamp)) -> Bool {
            certificateStamp == stamps.certificate && keyStamp == stamps.key
        }
    }

    /// A pair that passed every check: what TLS presents, and what the leaf says.
    struct LoadedPair: Sendable {
        var override: NIOSSLContextConfigurationOverride
        var summary: CertificateSummary
    }

    /// Creates a store over `directory`; nothing is read until the first lookup or ``reload()``.
    /// - Parameter tlsCacheCapacity: most hosts whose OpenSSL chain and key stay in memory
    ///   between handshakes (least recently used dropped first; 0 builds them at every handshake).
    public init(directory: String, logger: Logger, tlsCacheCapacity: Int = 512) {
        self.directory = directory
        self.logger = logger
        self.tlsCacheCapacity = max(0, tlsCacheCapacity)
        self.state = Mutex(State(tls: TLSOverrideCache(capacity: tlsCacheCapacity)))
    }

    /// The certificate chain and key to present for the SNI name `serverName`: from the TLS cache
    /// when the files did not change, else read, checked and built from the files.
    /// - Throws: ``PolicyServerError/noCertificate(host:)`` when the name is missing, not a host
    ///   name, or has no usable pair; the specific load error is logged.
    public func configurationOverride(forServerName serverName: String?) throws(PolicyServerError) -> NIOSSLContextConfigurationOverride {
        guard let serverName, let host = try? PolicyHost.normalize(serverName) else {
            throw .noCertificate(host: serverName)
        }
        guard let stamps = currentStamps(host) else { throw .noCertificate(host: host) }
        enum Cached { case override(NIOSSLContextConfigurationOverride), refused, miss }
        let cached = state.withLock { state -> Cached in
            if let override = state.tls.lookup(host, certificateStamp: stamps.certificate, keyStamp: stamps.key) {
                return .override(override)
            }
            if let entry = state.entries[host], entry.matches(stamps), case .failure = entry.verified { return .refused }
            return .miss
        }
        switch cached {
        case .override(let override): return override
        case .refused: throw .noCertificate(host: host)
        case .miss: break
        }
        let (certificatePath, keyPath) = paths(forHost: host)
        let (readStamps, loaded) = load(host, stamps: stamps)
        let built = loaded.flatMap { pair in
            Result { () throws(PolicyServerError) in
                try pair.configurationOverride(certificatePath: certificatePath, keyPath: keyPath)
            }
        }
        record(host, stamps: readStamps, verified: built.flatMap { _ in loaded.map(\.validity) })
        guard case .success(let override) = built else { throw .noCertificate(host: host) }
        state.withLock {
            $0.tls.insert(host, certificateStamp: readStamps.certificate, keyStamp: readStamps.key, override: override)
        }
        return override
    }

    /// Hosts with a usable certificate right now (after checking the files), sorted.
    public func availableHosts() -> [String] {
        usableCertificates().keys.sorted()
    }

    /// Every host of the directory with a usable pair right now, with its validity: one pass over
    /// the directory listing, each pair re-read only when its files changed. Forgets hosts whose
    /// files are gone.
    public func usableCertificates() -> [String: CertificateValidity] {
        let hosts = hostsInDirectory()
        var usable: [String: CertificateValidity] = [:]
        for host in hosts {
            if case .success(let validity)? = verified(host) { usable[host] = validity }
        }
        forgetHosts(notIn: Set(hosts))
        return usable
    }

    /// The validity of `host`'s usable pair (after checking its files), or `nil` when the host
    /// has no pair or its pair failed to load. Cheap: answered from the cache unless the files
    /// changed.
    public func validity(forHost host: String) -> CertificateValidity? {
        guard let host = try? PolicyHost.normalize(host), case .success(let validity)? = verified(host) else { return nil }
        return validity
    }

    /// The leaf summary of `host`'s usable pair (after checking its files), or `nil` when the
    /// host has no pair or its pair failed to load. Reads and parses the certificate file again
    /// (the store keeps only ``validity(forHost:)``): meant for status output; decisions that need
    /// only the dates and self-signedness should use ``validity(forHost:)``.
    public func summary(forHost host: String) -> CertificateSummary? {
        guard let host = try? PolicyHost.normalize(host), case .success? = verified(host) else { return nil }
        let certificatePath = paths(forHost: host).certificate
        // The file still holds the contents that passed every check: only its leaf is parsed.
        if let file = try? CertificatePair.readFile(certificatePath),
           let entry = state.withLock({ $0.entries[host] }), entry.certificateStamp == file.stamp,
           case .success = entry.verified, let leaf = try? CertificatePair.leaf(in: file.bytes, path: certificatePath) {
            return CertificateSummary(leaf)
        }
        // It changed since: check the pair again.
        guard let stamps = currentStamps(host) else { return nil }
        let (readStamps, loaded) = load(host, stamps: stamps)
        record(host, stamps: readStamps, verified: loaded.map(\.validity))
        guard case .success(let pair) = loaded else { return nil }
        return pair.summary
    }

    /// Why `host`'s pair is not usable: `nil` when it is usable or absent.
    public func loadError(forHost host: String) -> PolicyServerError? {
        guard let host = try? PolicyHost.normalize(host), case .failure(let error)? = verified(host) else { return nil }
        return error
    }

    /// Forgets everything read so far (the TLS cache too) and reads every pair in the directory
    /// again.
    /// - Returns: the hosts whose pair failed to load, with the reason.
    @discardableResult
    public func reload() -> [String: PolicyServerError] {
        state.withLock {
            $0.entries.removeAll()
            $0.tls.removeAll()
        }
        var failures: [String: PolicyServerError] = [:]
        for host in hostsInDirectory() {
            if case .failure(let error)? = verified(host) { failures[host] = error }
        }
        return failures
    }

    /// Paths of the certificate and key files for `host` (key form).
    public func paths(forHost host: String) -> (certificate: String, key: String) {
        ("\(directory)/\(host).crt", "\(directory)/\(host).key")
    }

    /// Pairs read and checked from disk since the store was created (for tests).
    var pairReads: Int { state.withLock { $0.pairReads } }

    /// Hosts whose TLS material is cached (for tests).
    var cachedTLSCount: Int { state.withLock { $0.tls.count } }

    private func hostsInDirectory() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> String? in
            guard name.hasSuffix(".crt") else { return nil }
            let stem = String(name.dropLast(4))
            // Only files already named in key form: lookups build paths from the key form.
            return (try? PolicyHost.normalize(stem)) == stem ? stem : nil
        }.sorted()
    }

    /// The current stamps of `host`'s two files; `nil` (and the host forgotten) when either is
    /// missing.
    private func currentStamps(_ host: String) -> (certificate: FileStamp, key: FileStamp)? {
        let (certificatePath, keyPath) = paths(forHost: host)
        guard let certificate = FileStamp(path: certificatePath), let key = FileStamp(path: keyPath) else {
            state.withLock {
                $0.entries.removeValue(forKey: host)
                $0.tls.remove(host)
            }
            return nil
        }
        return (certificate, key)
    }

    /// The cached verification of `host`, re-done when its files changed; `nil` when they are
    /// absent.
    private func verified(_ host: String) -> Result<CertificateValidity, PolicyServerError>? {
        guard let stamps = currentStamps(host) else { return nil }
        if let entry = state.withLock({ $0.entries[host] }), entry.matches(stamps) {
            return entry.verified
        }
        let (readStamps, loaded) = load(host, stamps: stamps)
        let verified = loaded.map(\.validity)
        record(host, stamps: readStamps, verified: verified)
        return verified
    }

    /// Reads and checks `host`'s pair. The stamps returned are those of the contents read (or
    /// `stamps`, from `stat`, when a file could not be read).
    private func load(_ host: String, stamps: (certificate: FileStamp, key: FileStamp))
        -> (stamps: (certificate: FileStamp, key: FileStamp), pair: Result<CertificatePair, PolicyServerError>) {
        state.withLock { $0.pairReads += 1 }
        let (certificatePath, keyPath) = paths(forHost: host)
        let files: CertificatePair.Files
        do {
            files = try CertificatePair.readFiles(certificatePath: certificatePath, keyPath: keyPath)
        } catch {
            return (stamps, .failure(error))
        }
        let pair = Result { () throws(PolicyServerError) in
            try CertificatePair(host: host, files: files, certificatePath: certificatePath, keyPath: keyPath)
        }
        return ((files.certificateStamp, files.keyStamp), pair)
    }

    /// Stores the outcome of a load; logs it when the files changed since the last one. A failure
    /// also drops the host's TLS material.
    private func record(_ host: String, stamps: (certificate: FileStamp, key: FileStamp),
                        verified: Result<CertificateValidity, PolicyServerError>) {
        let entry = Entry(certificateStamp: stamps.certificate, keyStamp: stamps.key, verified: verified)
        let changed = state.withLock { state -> Bool in
            let previous = state.entries.updateValue(entry, forKey: host)
            if case .failure = verified { state.tls.remove(host) }
            guard let previous, previous.matches(stamps) else { return true }
            // Same files: log only if the outcome differs (e.g. OpenSSL refused what was verified).
            switch (previous.verified, verified) {
            case (.success, .success), (.failure, .failure): return false
            default: return true
            }
        }
        guard changed else { return }
        switch verified {
        case .success:
            logger.debug("certificate loaded", metadata: ["host": .string(host), "path": .string(paths(forHost: host).certificate)])
        case .failure(let error):
            logger.error("certificate not usable", metadata: ["host": .string(host), "error": .string(error.description)])
        }
    }

    private func forgetHosts(notIn hosts: Set<String>) {
        state.withLock { state in
            for host in state.entries.keys where !hosts.contains(host) {
                state.entries.removeValue(forKey: host)
                state.tls.remove(host)
            }
        }
    }

    /// Reads and checks one pair; the TLS configuration override to present.
    static func load(host: String, certificatePath: String,
                     keyPath: String) throws(PolicyServerError) -> NIOSSLContextConfigurationOverride {
        try loadPair(host: host, certificatePath: certificatePath, keyPath: keyPath).override
    }

    /// Reads and checks one pair (chain parses, key matches the leaf, SAN covers `host`) and
    /// builds its TLS material; used outside a store (e.g. on lego's output before installing it).
    /// - Throws: ``PolicyServerError/unreadableFile(path:reason:)``,
    ///   ``PolicyServerError/keyDoesNotMatchCertificate(certificatePath:keyPath:)``,
    ///   ``PolicyServerError/certificateDoesNotCoverHost(path:host:)``.
    static func loadPair(host: String, certificatePath: String,
                         keyPath: String) throws(PolicyServerError) -> LoadedPair {
        let pair = try verifiedPair(host: host, certificatePath: certificatePath, keyPath: keyPath)
        return LoadedPair(override: try pair.configurationOverride(certificatePath: certificatePath, keyPath: keyPath),
                          summary: pair.summary)
    }

    /// Reads and checks one pair without building TLS material.
    /// - Throws: as ``loadPair(host:certificatePath:keyPath:)``.
    static func verifiedPair(host: String, certificatePath: String, keyPath: String) throws(PolicyServerError) -> CertificatePair {
        let files = try CertificatePair.readFiles(certificatePath: certificatePath, keyPath: keyPath)
        return try CertificatePair(host: host, files: files, certificatePath: certificatePath, keyPath: keyPath)
    }

    /// Whether a SAN `dNSName` of `certificate` matches `host` (RFC 6125 §6.4.3: exact, or `*`
    /// as the whole left-most label).
    static func covers(_ certificate: Certificate, host: String) -> Bool {
        CertificatePair.covers(certificate, host: host)
    }
}
