import Foundation
import Logging
import ServiceLifecycle

/// Runs ``CertificateManager`` passes inside `herald serve` (RFC 8555): at start, whenever the
/// set of policy hosts changes, and every ``scanInterval``; also looks at the certificate
/// directory every ``rescanInterval`` (certificates installed by hand, expiry) through
/// ``CertificateAvailability/refreshIfNeeded(fullEvery:)``, which reads it only when inotify saw
/// a change, a validity boundary passed, or every 20th look. Ends on graceful shutdown.
public final class CertificateRenewalService: Service, Sendable {
    /// What the service renews for: a generation that changes when `hosts` or
    /// `policyAddresses` change, the policy hosts, and the policy servers' addresses.
    /// The target generation, the hosts (called only when a pass runs) and the policy-server
    /// addresses.
    public typealias Targets = @Sendable () -> (generation: UInt64, hosts: @Sendable () -> [String], policyAddresses: [String])

    let manager: CertificateManager?
    let availability: CertificateAvailability
    let targets: Targets
    let afterRefresh: @Sendable () -> Void
    let scanInterval: Duration
    let rescanInterval: Duration
    let tick: Duration
    let ready: @Sendable () -> Bool
    let logger: Logger

    /// - Parameters:
    ///   - manager: the ACME manager; `nil` when ACME is off (the service then only rescans).
    ///   - availability: refreshed after each pass and rescan.
    ///   - targets: the hosts to keep certificates for.
    ///   - scanInterval: a full pass at least this often (default 10 minutes; renewals are
    ///     due 30 days ahead, so this only bounds how soon a fixed CNAME is noticed).
    ///   - rescanInterval: how often the certificate directory is re-checked (default 30 s).
    ///   - tick: how often `targets` is polled for changes (default 1 s).
    ///   - ready: no pass starts before this returns true (e.g. the HTTP-01 listener is bound,
    ///     so a CA's validation cannot arrive before it; a failure would cost a backoff).
    ///   - afterRefresh: called after each refresh of `availability` (`herald serve` hands the
    ///     heap pages a 100,000-certificate rescan freed back to the kernel).
    public init(manager: CertificateManager?, availability: CertificateAvailability, targets: @escaping Targets,
                scanInterval: Duration = .seconds(600), rescanInterval: Duration = .seconds(30),
                tick: Duration = .seconds(1), ready: @escaping @Sendable () -> Bool = { true }, logger: Logger,
                afterRefresh: @escaping @Sendable () -> Void = {}) {
        self.afterRefresh = afterRefresh
        self.ready = ready
        self.manager = manager
        self.availability = availability
        self.targets = targets
        self.scanInterval = scanInterval
        self.rescanInterval = rescanInterval
        self.tick = tick
        self.logger = logger
    }

    public func run() async throws {
        let clock = ContinuousClock()
        var lastGeneration: UInt64? = nil
        var nextScan = clock.now
        var nextRescan = clock.now + rescanInterval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let current = targets()
            if let manager, ready(), current.generation != lastGeneration || clock.now >= nextScan {
                lastGeneration = current.generation
                nextScan = clock.now + scanInterval
                await pass(manager, hosts: current.hosts(), addresses: current.policyAddresses)
                availability.refresh()
                afterRefresh()
            }
            if clock.now >= nextRescan {
                nextRescan = clock.now + rescanInterval
                // Read the directory only when something may have changed (inotify, a validity
                // boundary, or every 20th rescan); the heap is trimmed only after a real pass.
                let outcome = availability.refreshIfNeeded()
                if outcome.changed { logger.info("certificate set changed", metadata: ["covered": "\(availability.coveredHosts.count)"]) }
                if outcome.scanned { afterRefresh() }
            }
            do {
                let wait = ready() ? tick : .milliseconds(100)
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return
            }
        }
    }

    /// One pass, logged.
    func pass(_ manager: CertificateManager, hosts: [String], addresses: [String]) async {
        do {
            let outcomes = try await manager.renew(hosts: hosts, policyAddresses: addresses)
            let issued = outcomes.filter { if case .issued = $0.outcome { return true }; return false }.count
            logger.debug("certificate pass done", metadata: ["hosts": "\(outcomes.count)", "issued": "\(issued)"])
        } catch {
            logger.warning("certificate pass skipped", metadata: ["error": .string(error.description)])
        }
    }
}
