import Inventory
import Logging
import RecordBuilder
import ServiceLifecycle
import Synchronization

/// Watches the inventory and publishes a new snapshot when it changes (`herald serve`).
///
/// Polls the inventory's change counter every `interval` (a single-row read); when it moved,
/// rebuilds the snapshot beside the old one and hands it to `publish` in one step. The SOA
/// serial increases only when the served records change (RECORDS.md: "SOA serial increases with
/// every published change"). A snapshot that fails to compile is logged and not published: the
/// previous one keeps serving.
public final class ReloadService: Service, Sendable {
    let inventory: Inventory
    let interval: Duration
    let logger: Logger
    let clock: @Sendable () -> Int64
    let publish: @Sendable (PublishedSnapshot) -> Void
    /// Static zones and the certificate gate (`herald serve`); `nil` for neither.
    let additions: SnapshotAdditions?
    /// The state after ``initialSnapshot()``, picked up by ``run()``.
    private let seeded = Mutex<State?>(nil)

    /// - Parameters:
    ///   - inventory: the inventory another process (the CLI) writes.
    ///   - interval: how often to look for changes; 200 ms keeps changes visible within 1 s.
    ///   - clock: Unix seconds, for serials.
    ///   - additions: static zones and the MTA-STS certificate gate, polled with the inventory.
    ///   - publish: receives each new snapshot (swap it into the DNS and HTTPS servers).
    public init(
        inventory: Inventory, interval: Duration = .milliseconds(200), logger: Logger,
        clock: @escaping @Sendable () -> Int64, additions: SnapshotAdditions? = nil,
        publish: @escaping @Sendable (PublishedSnapshot) -> Void
    ) {
        self.additions = additions
        self.inventory = inventory
        self.interval = interval
        self.logger = logger
        self.clock = clock
        self.publish = publish
    }

    /// State carried between polls.
    struct State: Sendable {
        var generation: Int64 = -1
        var additionsGeneration: UInt64? = nil
        var records: [HostedTXT]? = nil
        var addressSets: [String: AddressSet] = [:]
        var policies: [String: String] = [:]
        var serial: UInt32 = 0
    }

    /// Builds and publishes the first snapshot; returns it so the caller can report what serves.
    public func initialSnapshot() async throws -> PublishedSnapshot {
        var state = State()
        guard let snapshot = try await poll(&state) else { throw PublisherError.notInitialised }
        let ready = state
        seeded.withLock { $0 = ready }
        return snapshot
    }

    public func run() async throws {
        var state = seeded.withLock { $0 } ?? State()
        if state.generation < 0 { _ = try await poll(&state) }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                _ = try await poll(&state)
            } catch {
                logger.error("snapshot not published; the previous one keeps serving", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One look at the inventory; publishes and returns a snapshot when something changed.
    func poll(_ state: inout State) async throws -> PublishedSnapshot? {
        let generation = try inventory.inventoryGeneration()
        let additionsGeneration = additions?.generation()
        guard generation != state.generation || additionsGeneration != state.additionsGeneration else { return nil }
        let inv = try inventory.snapshot()
        var current = await Publisher.currentRecords(inv)
        if let additions {
            let heldBack = additions.gate(&current, inventory: inv)
            if !heldBack.isEmpty {
                logger.info("MTA-STS not announced until a certificate is installed", metadata: ["hosts": "\(heldBack.joined(separator: " "))"])
            }
        }
        let (records, policies) = (current.records, current.policies)
        var serial = state.serial
        if state.records == nil || records != state.records! || policies != state.policies || current.addressSets != state.addressSets || serial == 0 {
            serial = Publisher.nextSerial(after: max(state.serial, inv.settings.publishedSerial), now: clock())
        }
        var snapshot = try Publisher.compile(inv, current: current, serial: serial)
        if let additions { snapshot = try additions.addingStaticZones(to: snapshot) }
        if serial != state.serial {
            try inventory.setPublishedSerial(serial)
        }
        publish(snapshot)
        for w in snapshot.warnings { logger.warning("\(w)") }
        logger.info("published snapshot", metadata: [
            "serial": "\(serial)", "generation": "\(generation)", "records": "\(records.count)",
            "policies": "\(policies.count)",
        ])
        state = State(generation: inv.generation, additionsGeneration: additionsGeneration, records: records,
                      addressSets: current.addressSets, policies: policies, serial: serial)
        return snapshot
    }
}
