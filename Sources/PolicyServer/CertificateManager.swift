import Foundation
import Logging

/// Obtains and renews the policy hosts' certificates by ACME (RFC 8555, HTTP-01 §8.3) through
/// `lego`, and installs them where ``CertificateStore`` reads them.
///
/// For each policy host `mta-sts.D`, ``renew(hosts:policyAddresses:)`` decides (``decide(host:state:now:)``):
/// - a certificate that is not self-signed, covers the host and is valid for longer than the
///   renewal window (30 days) → nothing to do;
/// - a host whose last ACME failure is within its backoff → nothing is requested (the backoff is
///   `base × 2^(failures−1)`, persisted in `acme-state.json`, so restarts keep it);
/// - otherwise the host is due. It is first resolved (following CNAMEs) through the configured
///   resolver: unless one of its addresses is a policy-server address, nothing is requested and
///   "not pointing at us" is recorded as the last error (no CA rate limit is spent). Then lego
///   runs (`run` the first time, `renew --days 30` when lego holds a certificate for the name);
///   on success the new pair is checked (parses, key matches, SAN covers the host, valid now)
///   and installed as `<host>.key` then `<host>.crt`, each written atomically; on failure the
///   failure count and next attempt are recorded.
///
/// One renewal pass at a time across processes (`herald serve` and `herald certs renew`): the
/// pass holds an exclusive `flock` on `<certificate directory>/.acme.lock`.
public final class CertificateManager: Sendable {
    /// Paths, CA and timing.
    public let configuration: ACMEConfiguration
    /// The installed certificates.
    public let store: CertificateStore
    let resolver: any PolicyHostResolver
    let runner: any ACMEProcessRunner
    let clock: @Sendable () -> Date
    let logger: Logger
    let onInstalled: @Sendable (String) -> Void

    /// What to do about one host now.
    public enum Decision: Sendable, Equatable {
        /// The installed certificate is valid beyond the renewal window.
        case current(notAfter: Date)
        /// The last ACME attempt failed; no request before `until`.
        case backingOff(until: Date)
        /// A certificate should be obtained; `reason` says why (missing, expiring, self-signed…).
        case due(reason: String)
    }

    /// What one pass did for one host.
    public enum Outcome: Sendable, Equatable {
        /// Nothing to do: the certificate is valid until `notAfter`.
        case current(notAfter: Date)
        /// Skipped: backing off until `until` after a failure.
        case backingOff(until: Date)
        /// Skipped: the name does not reach this policy server (the message says what it resolves to).
        case notPointingAtUs(String)
        /// A certificate was obtained and installed.
        case issued(CertificateSummary)
        /// The ACME attempt failed; the next one is not before `nextAttempt`.
        case failed(reason: String, nextAttempt: Date)
    }

    /// A host's certificate and renewal state, for `herald certs status`.
    public struct Status: Sendable, Equatable {
        /// The policy host (key form).
        public var host: String
        /// The installed, usable certificate, if any.
        public var certificate: CertificateSummary?
        /// Why an installed pair is not usable (unreadable, key mismatch, SAN does not cover).
        public var problem: String?
        /// The persisted renewal record.
        public var state: CertificateRenewalState.Host
        /// The current decision.
        public var decision: Decision
        /// When the next request may happen: the start of the renewal window for a current
        /// certificate, the end of the backoff, or `nil` for "at the next pass".
        public var nextAttempt: Date?
    }

    /// A manager.
    /// - Parameters:
    ///   - configuration: CA, paths and timings.
    ///   - store: the certificates served (read for decisions; files written into its directory).
    ///   - resolver: resolves `mta-sts.D` before any request.
    ///   - runner: runs lego (``SubprocessACMERunner`` outside tests).
    ///   - clock: the current time.
    ///   - onInstalled: called with the host after each installed certificate (e.g. to refresh
    ///     ``CertificateAvailability``).
    public init(configuration: ACMEConfiguration, store: CertificateStore, resolver: any PolicyHostResolver,
                runner: any ACMEProcessRunner = SubprocessACMERunner(), clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger, onInstalled: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.store = store
        self.resolver = resolver
        self.runner = runner
        self.clock = clock
        self.logger = logger
        self.onInstalled = onInstalled
    }

    /// The decision for `host` given its persisted record, at `now` (pure apart from reading the
    /// installed pair).
    public func decide(host: String, state: CertificateRenewalState.Host?, now: Date) -> Decision {
        if let summary = store.validity(forHost: host), !summary.isSelfSigned, summary.isValid(at: now),
           summary.notAfter > now.addingTimeInterval(configuration.renewalWindow) {
            return .current(notAfter: summary.notAfter)
        }
        if let state, state.consecutiveFailures > 0, let next = state.nextAttempt, next > now {
            return .backingOff(until: next)
        }
        guard let summary = store.validity(forHost: host) else {
            if let problem = store.loadError(forHost: host) { return .due(reason: "installed pair unusable: \(problem)") }
            return .due(reason: "no certificate")
        }
        if summary.isSelfSigned { return .due(reason: "self-signed certificate") }
        if !summary.isValid(at: now) { return .due(reason: "certificate not valid now (until \(summary.notAfter))") }
        return .due(reason: "expires \(summary.notAfter), within \(configuration.renewalDays) days")
    }

    /// Each host's certificate and renewal state (sorted by host).
    /// - Throws: ``PolicyServerError/stateFile(path:reason:)`` for an unreadable state file.
    public func status(hosts: [String]) throws(PolicyServerError) -> [Status] {
        let state = try CertificateRenewalState.load(path: configuration.statePath)
        let now = clock()
        return Self.keys(hosts).map { host in
            let record = state.hosts[host] ?? CertificateRenewalState.Host()
            let decision = decide(host: host, state: record, now: now)
            let next: Date?
            switch decision {
            case .current(let notAfter): next = notAfter.addingTimeInterval(-configuration.renewalWindow)
            case .backingOff(let until): next = until
            case .due: next = nil
            }
            return Status(host: host, certificate: store.summary(forHost: host),
                          problem: store.loadError(forHost: host)?.description, state: record,
                          decision: decision, nextAttempt: next)
        }
    }

    /// One renewal pass over `hosts`: obtains the certificates that are due (see the type's
    /// documentation) and installs them.
    /// - Parameters:
    ///   - hosts: the policy hosts (`mta-sts.D`) that should have certificates.
    ///   - policyAddresses: the policy servers' addresses (`mta-sts.H` A/AAAA).
    /// - Returns: one outcome per host, sorted by host.
    /// - Throws: ``PolicyServerError/renewalInProgress(path:)`` when another process holds the
    ///   lock, or a state-file error; per-host failures are outcomes.
    public func renew(hosts: [String], policyAddresses: [String]) async throws(PolicyServerError) -> [(host: String, outcome: Outcome)] {
        let lock = try RenewalLock(path: configuration.lockPath)
        defer { lock.release() }
        var state = try CertificateRenewalState.load(path: configuration.statePath)
        var outcomes: [(host: String, outcome: Outcome)] = []
        let expected = Set(policyAddresses.compactMap(PolicyAddress.canonical))
        for host in Self.keys(hosts) {
            let outcome = await renewOne(host: host, expected: expected, state: &state)
            outcomes.append((host, outcome))
            try state.save(path: configuration.statePath)
        }
        return outcomes
    }

    /// The work for one host; updates `state`.
    func renewOne(host: String, expected: Set<String>, state: inout CertificateRenewalState) async -> Outcome {
        let now = clock()
        var record = state.hosts[host] ?? CertificateRenewalState.Host()
        defer { state.hosts[host] = record }
        let reason: String
        switch decide(host: host, state: record, now: now) {
        case .current(let notAfter):
            // A usable certificate (possibly installed by hand) makes old failures moot.
            record.lastError = nil
            record.consecutiveFailures = 0
            record.nextAttempt = nil
            return .current(notAfter: notAfter)
        case .backingOff(let until): return .backingOff(until: until)
        case .due(let why): reason = why
        }
        // Checked first, so a name that points elsewhere never reaches the CA.
        if let notPointing = await pointingCheck(host: host, expected: expected) {
            record.lastAttempt = now
            record.lastError = notPointing.description
            logger.warning("certificate not requested", metadata: ["host": .string(host), "error": .string(notPointing.description)])
            return .notPointingAtUs(notPointing.description)
        }
        logger.info("requesting certificate", metadata: ["host": .string(host), "reason": .string(reason),
                                                         "server": .string(configuration.directoryURL)])
        record.lastAttempt = now
        do {
            let summary = try await obtain(host: host, now: now)
            record.lastSuccess = clock()
            record.lastError = nil
            record.consecutiveFailures = 0
            record.nextAttempt = nil
            logger.info("certificate installed", metadata: ["host": .string(host), "issuer": .string(summary.issuer),
                                                            "not_after": "\(summary.notAfter)"])
            onInstalled(host)
            return .issued(summary)
        } catch {
            record.consecutiveFailures += 1
            let next = now.addingTimeInterval(configuration.backoff(afterFailures: record.consecutiveFailures))
            record.nextAttempt = next
            record.lastError = error.description
            logger.error("certificate not obtained", metadata: ["host": .string(host), "error": .string(error.description),
                                                                "next_attempt": "\(next)"])
            return .failed(reason: error.description, nextAttempt: next)
        }
    }

    /// `nil` when `host` resolves to one of `expected`; otherwise the error saying what it does.
    func pointingCheck(host: String, expected: Set<String>) async -> PolicyServerError? {
        let expectedList = expected.sorted()
        do {
            let found = try await resolver.addresses(of: host)
            let canonical = found.map { PolicyAddress.canonical($0) ?? $0 }
            if canonical.contains(where: expected.contains) { return nil }
            return .notPointingAtPolicyServer(host: host, found: canonical.sorted(), expected: expectedList, reason: nil)
        } catch {
            return .notPointingAtPolicyServer(host: host, found: [], expected: expectedList,
                                              reason: "no answer (\(error))")
        }
    }

    /// Runs lego for `host`, checks what it produced and installs it.
    func obtain(host: String, now: Date) async throws(PolicyServerError) -> CertificateSummary {
        let files = configuration.legoFiles(host: host)
        let renewing = FileManager.default.fileExists(atPath: files.certificate)
        for directory in [configuration.webroot + "/.well-known/acme-challenge", configuration.legoPath] {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw .writeFailed(path: directory, reason: String(describing: error))
            }
        }
        let logPath = configuration.logPath(host: host)
        let status: Int32
        do {
            status = try await runner.run(
                executable: configuration.legoExecutable, arguments: configuration.legoArguments(host: host, renew: renewing),
                environment: configuration.legoEnvironment, logPath: logPath, timeout: configuration.timeout)
        } catch {
            throw .acmeFailed(host: host, reason: error.description)
        }
        guard status == 0 else {
            throw .acmeFailed(host: host, reason: "lego exited with status \(status): \(Self.tail(of: logPath)) (log: \(logPath))")
        }
        let pair: CertificateStore.LoadedPair
        do {
            pair = try CertificateStore.loadPair(host: host, certificatePath: files.certificate, keyPath: files.key)
        } catch {
            throw .acmeFailed(host: host, reason: "lego succeeded but its certificate is not usable: \(error)")
        }
        // Checked at the time lego finished: a CA that does not backdate sets notBefore to the
        // moment of issuance, after this pass started.
        guard pair.summary.isValid(at: max(now, clock())) else {
            throw .acmeFailed(host: host, reason: "lego's certificate is not valid now (\(pair.summary.notBefore) – \(pair.summary.notAfter))")
        }
        let target = store.paths(forHost: host)
        let certificatePEM: String, keyPEM: String
        do {
            certificatePEM = try String(contentsOfFile: files.certificate, encoding: .utf8)
            keyPEM = try String(contentsOfFile: files.key, encoding: .utf8)
        } catch {
            throw .acmeFailed(host: host, reason: "cannot read lego's files: \(error)")
        }
        // Key first: a reader between the two renames sees a mismatched pair and fails closed.
        try SelfSignedIssuer.writeAtomically(keyPEM, to: target.key, mode: 0o600)
        try SelfSignedIssuer.writeAtomically(certificatePEM, to: target.certificate, mode: 0o644)
        return pair.summary
    }

    /// The last few non-empty lines of a log file, at most 600 characters.
    static func tail(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let joined = lines.suffix(3).joined(separator: " | ")
        return joined.isEmpty ? "(no output)" : String(joined.suffix(600))
    }

    /// Distinct hosts in key form, sorted; invalid names are dropped.
    static func keys(_ hosts: [String]) -> [String] {
        Set(hosts.compactMap { try? PolicyHost.normalize($0) }).sorted()
    }
}

/// An exclusive, non-blocking `flock(2)` on a lock file, released by ``release()``.
struct RenewalLock {
    let descriptor: Int32
    let path: String

    /// Takes the lock.
    /// - Throws: ``PolicyServerError/renewalInProgress(path:)`` when another process holds it,
    ///   ``PolicyServerError/writeFailed(path:reason:)`` when the file cannot be opened.
    init(path: String) throws(PolicyServerError) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .renewalInProgress(path: path)
        }
        self.descriptor = descriptor
        self.path = path
    }

    /// Releases the lock.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
