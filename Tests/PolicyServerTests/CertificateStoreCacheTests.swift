import Foundation
import Logging
import NIOSSL
import Synchronization
import Testing
import X509
@testable import PolicyServer

/// The store's memory shape: per-host verification shared by every caller and done once per file
/// change, TLS material built at handshakes into a bounded LRU cache, fail-closed throughout.
@Suite struct CertificateStoreCacheTests {
    private static let logger: Logger = {
        var logger = Logger(label: "test.store-cache")
        logger.logLevel = .critical
        return logger
    }()

    /// The leaf presented for `host`, or `nil` when the handshake would be refused.
    private func presented(_ store: PolicyServer.CertificateStore, _ host: String) -> NIOSSLCertificate? {
        guard let override = try? store.configurationOverride(forServerName: host),
              case .certificate(let leaf)? = override.certificateChain?.first else { return nil }
        return leaf
    }

    private func leafOnDisk(_ dir: TemporaryDirectory, _ host: String) throws -> NIOSSLCertificate? {
        try NIOSSLCertificate.fromPEMFile("\(dir.path)/\(host).crt").first
    }

    @Test func tlsCacheHoldsAtMostItsCapacityLeastRecentlyUsedFirstOut() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let hosts = ["mta-sts.a.test", "mta-sts.b.test", "mta-sts.c.test"]
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: hosts)
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger, tlsCacheCapacity: 2)
        #expect(store.tlsCacheCapacity == 2)

        #expect(presented(store, "mta-sts.a.test") == (try leafOnDisk(dir, "mta-sts.a.test")))
        #expect(presented(store, "mta-sts.b.test") == (try leafOnDisk(dir, "mta-sts.b.test")))
        #expect(store.cachedTLSCount == 2)
        #expect(store.pairReads == 2)
        // A hit reads nothing and makes a the most recently used.
        #expect(presented(store, "mta-sts.a.test") != nil)
        #expect(store.pairReads == 2)
        // c pushes out b (least recently used), never more than 2 held.
        #expect(presented(store, "mta-sts.c.test") == (try leafOnDisk(dir, "mta-sts.c.test")))
        #expect(store.cachedTLSCount == 2)
        #expect(store.pairReads == 3)
        #expect(presented(store, "mta-sts.a.test") != nil)
        #expect(store.pairReads == 3)
        #expect(presented(store, "mta-sts.b.test") == (try leafOnDisk(dir, "mta-sts.b.test")))
        #expect(store.pairReads == 4)
        #expect(store.cachedTLSCount == 2)
    }

    @Test func zeroCapacityKeepsNoTLSMaterialButStillServes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: ["mta-sts.a.test"])
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger, tlsCacheCapacity: 0)
        #expect(presented(store, "mta-sts.a.test") != nil)
        #expect(presented(store, "mta-sts.a.test") != nil)
        #expect(store.cachedTLSCount == 0)
        #expect(store.pairReads == 2)
    }

    /// The gate, the issuer and the store's own queries share one verification per pair; a
    /// changed file is read again once.
    @Test func availabilityReadsEachPairOnceAndSharesItWithTheIssuer() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let hosts = (0..<5).map { "mta-sts.customer\($0).test" }
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: hosts)
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger)
        let availability = CertificateAvailability(store: store, allowSelfSigned: true)
        #expect(availability.coveredHosts == Set(hosts))
        #expect(store.pairReads == hosts.count)
        #expect(store.cachedTLSCount == 0)

        let issuer = SelfSignedIssuer(store: store)
        #expect(issuer.directory == dir.path)
        #expect(try issuer.ensureCertificates(for: hosts) == [])
        #expect(!availability.refresh())
        #expect(store.availableHosts() == hosts.sorted())
        #expect(store.validity(forHost: hosts[0])?.isSelfSigned == true)
        #expect(store.pairReads == hosts.count)

        try issuer.issue(for: hosts[2])
        #expect(!availability.refresh())
        #expect(store.pairReads == hosts.count + 1)
        #expect(!issuer.needsIssue(hosts[2]))
        #expect(store.pairReads == hosts.count + 1)
    }

    /// The periodic rescan reads the directory only when something may have changed: a file
    /// written or removed (inotify), a validity boundary passed, or the safety-net count
    /// reached. A quiet directory costs no pair check and no `stat`.
    @Test func rescanReadsTheDirectoryOnlyWhenSomethingChanged() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let start = Date()
        let now = Mutex(start)
        try SelfSignedIssuer(directory: dir.path, now: { start }).ensureCertificates(for: ["mta-sts.a.test"])
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger)
        let availability = CertificateAvailability(store: store, allowSelfSigned: true, clock: { now.withLock { $0 } })
        #expect(availability.coveredHosts == ["mta-sts.a.test"])

        // Quiet: nothing read (the files written before the watch started are drained once).
        _ = availability.refreshIfNeeded()
        #expect(availability.refreshIfNeeded() == (scanned: false, changed: false))
        #expect(availability.refreshIfNeeded() == (scanned: false, changed: false))

        // A pair installed by hand is seen at the next look.
        try SelfSignedIssuer(directory: dir.path, now: { start }).issue(for: "mta-sts.b.test")
        #expect(availability.refreshIfNeeded() == (scanned: true, changed: true))
        #expect(availability.coveredHosts == ["mta-sts.a.test", "mta-sts.b.test"])
        #expect(availability.refreshIfNeeded() == (scanned: false, changed: false))

        // A removed pair too.
        try FileManager.default.removeItem(atPath: store.paths(forHost: "mta-sts.b.test").certificate)
        #expect(availability.refreshIfNeeded() == (scanned: true, changed: true))
        #expect(availability.coveredHosts == ["mta-sts.a.test"])

        // Expiry needs no file change: past notAfter the pass runs and the host is dropped.
        let notAfter = try #require(store.validity(forHost: "mta-sts.a.test")?.notAfter)
        #expect(availability.refreshIfNeeded() == (scanned: false, changed: false))
        now.withLock { $0 = notAfter.addingTimeInterval(1) }
        #expect(availability.refreshIfNeeded() == (scanned: true, changed: true))
        #expect(availability.coveredHosts.isEmpty)

        // The safety net: after fullEvery skipped looks, one full pass.
        let reads = store.pairReads
        for _ in 0..<3 { #expect(availability.refreshIfNeeded(fullEvery: 3).scanned == false) }
        #expect(availability.refreshIfNeeded(fullEvery: 3).scanned == true)
        #expect(store.pairReads == reads)   // a pass over unchanged files re-reads no pair
    }

    /// A renewed pair replaces the old one for the gate and for handshakes, even when the old
    /// one's TLS material is cached.
    @Test func renewedPairIsPickedUpByTheGateAndTheTLSPath() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let host = "mta-sts.renewed.test"
        let now = Date()
        // Issued 100 days ago for 90 days: expired.
        try SelfSignedIssuer(directory: dir.path, now: { now.addingTimeInterval(-100 * 86_400) }).issue(for: host)
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger)
        let availability = CertificateAvailability(store: store, allowSelfSigned: true, clock: { now })
        #expect(!availability.isCovered(host))
        let expired = try #require(presented(store, host))
        #expect(store.cachedTLSCount == 1)
        let issuer = SelfSignedIssuer(store: store, now: { now })
        #expect(issuer.needsIssue(host))

        #expect(try issuer.ensureCertificates(for: [host]) == [host])
        #expect(availability.refresh())
        #expect(availability.isCovered(host))
        let renewed = try #require(presented(store, host))
        #expect(renewed != expired)
        #expect(renewed == (try leafOnDisk(dir, host)))
        #expect(store.validity(forHost: host)?.notAfter == store.summary(forHost: host)?.notAfter)
        #expect(try #require(store.validity(forHost: host)).notAfter > now.addingTimeInterval(89 * 86_400))
        #expect(store.cachedTLSCount == 1)
    }

    /// A pair broken after it was served (key swapped for another certificate's, or garbage) is
    /// refused at once, its cached TLS material dropped; a known-broken pair is not re-read at
    /// every handshake.
    @Test func brokenPairIsNeverServed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let host = "mta-sts.broken.test"
        let other = "mta-sts.other.test"
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: [host, other])
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger)
        let availability = CertificateAvailability(store: store, allowSelfSigned: true)
        #expect(availability.isCovered(host))
        #expect(presented(store, host) != nil)

        try SelfSignedIssuer.writeAtomically(
            try String(contentsOfFile: "\(dir.path)/\(other).key", encoding: .utf8), to: "\(dir.path)/\(host).key", mode: 0o600)
        #expect(presented(store, host) == nil)
        #expect(store.cachedTLSCount == 0)
        #expect(store.loadError(forHost: host) == .keyDoesNotMatchCertificate(
            certificatePath: "\(dir.path)/\(host).crt", keyPath: "\(dir.path)/\(host).key"))
        let reads = store.pairReads
        #expect(presented(store, host) == nil)
        #expect(store.pairReads == reads)
        #expect(availability.refresh())
        #expect(!availability.isCovered(host))
        #expect(store.summary(forHost: host) == nil)
        #expect(store.validity(forHost: host) == nil)

        try SelfSignedIssuer.writeAtomically("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                             to: "\(dir.path)/\(other).crt", mode: 0o644)
        #expect(presented(store, other) == nil)
        guard case .unreadableFile(let path, _)? = store.loadError(forHost: other) else {
            Issue.record("garbage certificate not reported as unreadable")
            return
        }
        #expect(path == "\(dir.path)/\(other).crt")
        #expect(store.availableHosts() == [])
    }

    /// A chain file with the CA after the leaf, and keys in the traditional forms ACME clients
    /// write (SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`), are served as read.
    @Test(arguments: ["ec", "rsa"]) func traditionalKeyFormsAndChainsAreServed(_ algorithm: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let host = "mta-sts.\(algorithm).test"
        let keyPath = "\(dir.path)/\(host).key"
        let certificatePath = "\(dir.path)/\(host).crt"
        let newKey = algorithm == "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:2048"]
        try openssl(["req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=\(host)", "-addext", "subjectAltName=DNS:\(host)",
                     "-keyout", "\(keyPath).pkcs8", "-out", certificatePath] + newKey)
        try openssl([algorithm == "ec" ? "ec" : "rsa", "-in", "\(keyPath).pkcs8", "-out", keyPath]
                    + (algorithm == "rsa" ? ["-traditional"] : []))
        let keyPEM = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(keyPEM.hasPrefix(algorithm == "ec" ? "-----BEGIN EC PRIVATE KEY-----" : "-----BEGIN RSA PRIVATE KEY-----"))
        let ca = try TestCA()
        let chain = try String(contentsOfFile: certificatePath, encoding: .utf8) + ca.caPEM() + "\n"
        try chain.write(toFile: certificatePath, atomically: true, encoding: .utf8)

        let store = PolicyServer.CertificateStore(directory: dir.path, logger: Self.logger)
        #expect(store.loadError(forHost: host) == nil)
        let override = try store.configurationOverride(forServerName: host)
        let presentedChain = try #require(override.certificateChain)
        #expect(presentedChain.count == 2)
        let onDisk = try NIOSSLCertificate.fromPEMFile(certificatePath)
        for (index, source) in presentedChain.enumerated() {
            guard case .certificate(let certificate) = source else { Issue.record("not a certificate"); continue }
            #expect(certificate == onDisk[index])
        }
        #expect(store.summary(forHost: host)?.dnsNames == [host])
        #expect(store.validity(forHost: host)?.isSelfSigned == true)
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
    }
}
