import Foundation
import Synchronization

/// Which policy hosts have a certificate a sending MTA will accept right now: the gate for
/// announcing MTA-STS (field case C22: the `_mta-sts` TXT is published only after the HTTPS
/// endpoint and its certificate are live; RFC 8461 §3.3, §8.1).
///
/// A host counts as covered when ``CertificateStore`` has a usable pair for it (chain parses, key
/// matches, SAN covers the host) that is within its validity period, and that is not self-signed
/// — unless the operator chose self-signed certificates (`herald serve --self-signed`, the demo
/// mode), in which case self-signed pairs count too.
///
/// ``refresh()`` re-checks the hosts in the directory in one pass over its listing (a `stat` of
/// each file; a pair is re-read and re-checked only when its files changed, and the verification
/// is shared with every other user of the same store) and increments ``generation`` whenever the
/// covered set changed, so a snapshot builder that polls the generation republishes within one
/// poll. Reads are a lock and a set lookup.
public final class CertificateAvailability: Sendable {
    /// The certificates being served.
    public let store: CertificateStore
    /// Whether self-signed certificates count (demo mode).
    public let allowSelfSigned: Bool
    private let clock: @Sendable () -> Date
    private let state: Mutex<(generation: UInt64, covered: Set<String>)>
    /// Changes in the certificate directory since the last ``refreshIfNeeded(fullEvery:)``.
    private let watch: DirectoryWatch
    /// When the last full pass's answer could next change by time alone (the earliest future
    /// notBefore or notAfter among the usable pairs), and how many passes were skipped since.
    private let quiet: Mutex<(until: Date?, skipped: Int)>

    /// Creates the gate over `store` and, unless `refreshNow` is false, computes the covered set
    /// once.
    /// - Parameters:
    ///   - allowSelfSigned: count self-signed pairs as covering (demo mode only).
    ///   - clock: the current time (injectable for tests).
    ///   - refreshNow: read the directory now; false leaves the covered set empty until the
    ///     first ``refresh()`` (`herald serve` reads it after a snapshot image is answering:
    ///     at 100,000 customers the first pass takes seconds).
    public init(store: CertificateStore, allowSelfSigned: Bool, clock: @escaping @Sendable () -> Date = { Date() },
                refreshNow: Bool = true) {
        self.store = store
        self.allowSelfSigned = allowSelfSigned
        self.clock = clock
        self.state = Mutex((1, []))
        self.watch = DirectoryWatch(path: store.directory)
        self.quiet = Mutex((nil, 0))
        if refreshNow { refresh() }
    }

    /// A number that changes whenever the covered set changes (starts at 1).
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// The covered hosts (key form).
    public var coveredHosts: Set<String> { state.withLock { $0.covered } }

    /// Whether `host` (any case, trailing dot allowed) is covered as of the last ``refresh()``.
    public func isCovered(_ host: String) -> Bool {
        guard let key = try? PolicyHost.normalize(host) else { return false }
        return state.withLock { $0.covered.contains(key) }
    }

    /// Whether a certificate summary is acceptable for announcing at `date`.
    public func accepts(_ summary: CertificateSummary, at date: Date) -> Bool {
        accepts(summary.validity, at: date)
    }

    /// Whether a verified certificate's validity is acceptable for announcing at `date`: within
    /// its validity period, and not self-signed unless ``allowSelfSigned``.
    public func accepts(_ validity: CertificateValidity, at date: Date) -> Bool {
        validity.isValid(at: date) && (allowSelfSigned || !validity.isSelfSigned)
    }

    /// Re-checks every pair in the directory at the clock's time (one pass over the listing, see
    /// ``CertificateStore/usableCertificates()``).
    /// - Returns: whether the covered set changed (and ``generation`` moved).
    @discardableResult
    public func refresh() -> Bool {
        let now = clock()
        var covered: Set<String> = []
        var boundary: Date? = nil
        for (host, validity) in store.usableCertificates() {
            if accepts(validity, at: now) { covered.insert(host) }
            // The earliest future notBefore or notAfter: when time alone can change the answer.
            if validity.notBefore > now { boundary = min(boundary ?? validity.notBefore, validity.notBefore) }
            if validity.notAfter > now { boundary = min(boundary ?? validity.notAfter, validity.notAfter) }
        }
        quiet.withLock { $0 = (boundary ?? .distantFuture, 0) }
        return state.withLock { current in
            guard current.covered != covered else { return false }
            current = (current.generation &+ 1, covered)
            return true
        }
    }

    /// ``refresh()`` only when its answer may have changed: a file in the certificate directory
    /// changed (inotify), a usable pair's validity started or ended since the last pass, no pass
    /// has run yet, or `fullEvery` checks in a row were skipped (a safety net for changes the
    /// watch cannot see, such as a symbolic link's target rewritten). Otherwise nothing is
    /// read: at 100,000 certificates a pass is about a second of CPU.
    /// - Returns: whether the directory was read, and whether the covered set changed.
    @discardableResult
    public func refreshIfNeeded(fullEvery: Int = 20) -> (scanned: Bool, changed: Bool) {
        // Drained before the pass, so a change made during it is seen by the next check.
        let changed = watch.drainChanged()
        let now = clock()
        let skip = quiet.withLock { current -> Bool in
            guard !changed, let until = current.until, now < until, current.skipped < fullEvery else { return false }
            current.skipped += 1
            return true
        }
        if skip { return (false, false) }
        return (true, refresh())
    }
}
