import Foundation
import Inventory
import Logging
import RecordBuilder
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
    /// Where the last published snapshot is kept for a fast restart (``SnapshotImageFile``);
    /// `nil` for none.
    let imagePath: String?
    /// The state after ``initialSnapshot()``, picked up by ``run()``.
    private let seeded = Mutex<State?>(nil)
    /// Whether ``SnapshotAdditions/prepare`` has run.
    private let prepared = Mutex(false)

    /// - Parameters:
    ///   - inventory: the inventory another process (the CLI) writes.
    ///   - interval: how often to look for changes; 200 ms keeps changes visible within 1 s.
    ///   - clock: Unix seconds, for serials.
    ///   - additions: static zones and the MTA-STS certificate gate, polled with the inventory.
    ///   - imagePath: a ``SnapshotImageFile`` written after every publication and, when its
    ///     inventory generation is current, served first at start while the inventory is read.
    ///   - publish: receives each new snapshot (swap it into the DNS and HTTPS servers).
    public init(
        inventory: Inventory, interval: Duration = .milliseconds(200), logger: Logger,
        clock: @escaping @Sendable () -> Int64, additions: SnapshotAdditions? = nil, imagePath: String? = nil,
        publish: @escaping @Sendable (PublishedSnapshot) -> Void
    ) {
        self.additions = additions
        self.imagePath = imagePath
        self.inventory = inventory
        self.interval = interval
        self.logger = logger
        self.clock = clock
        self.publish = publish
    }

    /// State carried between polls: what was last published, as a digest rather than a copy
    /// (a second copy of every record and policy would double the memory per customer).
    struct State: Sendable {
        var generation: Int64 = -1
        var additionsGeneration: UInt64? = nil
        /// ``ContentDigest`` of the last published records, policies and address sets.
        var content: ContentDigest? = nil
        var serial: UInt32 = 0
    }

    /// Publishes the first snapshot; returns it so the caller can report what serves.
    ///
    /// When the snapshot image was built from the inventory's current generation, it is
    /// published as is (the restart answers at once) and ``run()`` rebuilds from the inventory
    /// straight away in the background: the image only bridges the rebuild, and a rebuild
    /// with the same content keeps its serial. Otherwise (no image, another generation, or a
    /// damaged or foreign file, which is logged) the snapshot is built from the inventory here.
    public func initialSnapshot() async throws -> PublishedSnapshot {
        if let imagePath {
            do {
                if let image = try SnapshotImageFile.read(path: imagePath) {
                    let current = try inventory.inventoryGeneration()
                    if image.inventoryGeneration == current {
                        var snapshot = PublishedSnapshot(zones: image.zones, policies: image.policies, serial: image.serial,
                                                         records: [], warnings: [])
                        // The static zones as their files are now, not as they were when the
                        // image was written.
                        if let additions { snapshot = try additions.addingStaticZones(to: snapshot) }
                        publish(snapshot)
                        logger.info("serving the snapshot image; rebuilding from the inventory", metadata: [
                            "path": "\(imagePath)", "serial": "\(image.serial)", "generation": "\(image.inventoryGeneration)",
                        ])
                        // generation -1: the first poll rebuilds; same content keeps the serial.
                        seeded.withLock { $0 = State(generation: -1, additionsGeneration: nil, content: image.content, serial: image.serial) }
                        return snapshot
                    }
                    logger.info("snapshot image is from another inventory generation; building", metadata: [
                        "path": "\(imagePath)", "image": "\(image.inventoryGeneration)", "inventory": "\(current)",
                    ])
                }
            } catch {
                logger.warning("snapshot image not used; building from the inventory", metadata: ["error": "\(error)"])
            }
        }
        var state = State()
        guard let snapshot = try await poll(&state) else { throw PublisherError.notInitialised }
        let ready = state
        seeded.withLock { $0 = ready }
        return snapshot
    }

    public func run() async throws {
        var state = seeded.withLock { $0 } ?? State()
        if state.generation < 0 {
            do {
                _ = try await poll(&state)
                Self.returnFreeMemory()
            } catch {
                logger.error("snapshot not published; the previous one keeps serving", metadata: ["error": "\(error)"])
            }
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                if try await poll(&state) != nil { Self.returnFreeMemory() }
            } catch {
                logger.error("snapshot not published; the previous one keeps serving", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One look at the inventory; publishes and returns a snapshot when something changed.
    func poll(_ state: inout State) async throws -> PublishedSnapshot? {
        // The first time, the additions' preparation (reading every certificate) runs on a
        // thread of its own while the inventory is read and the records are generated; it must
        // be done before the gate and before the additions' generation is taken.
        let preparation = beginPreparationOnce()
        let generation = try inventory.inventoryGeneration()
        var additionsGeneration = preparation == nil ? additions?.generation() : nil
        if preparation == nil {
            guard generation != state.generation || additionsGeneration != state.additionsGeneration else { return nil }
        }
        let inv: InventorySnapshot
        var current: Publisher.CurrentRecords
        do {
            inv = try inventory.snapshot()
            current = await Publisher.currentRecords(inv)
        } catch {
            await preparation?.wait()
            throw error
        }
        if let preparation {
            await preparation.wait()
            additionsGeneration = additions?.generation()
        }
        if let additions {
            let heldBack = additions.gate(&current, inventory: inv)
            if !heldBack.isEmpty {
                logger.info("MTA-STS not announced until a certificate is installed", metadata: ["hosts": "\(heldBack.joined(separator: " "))"])
            }
        }
        let (recordCount, policyCount) = (current.records.count, current.policies.count)
        let content = ContentDigest(records: current.records, policies: current.policies, addressSets: current.addressSets,
                                    zone: Publisher.zoneParameters(inv.settings))
        var serial = state.serial
        var known = state.content
        if known == nil, serial == 0 {
            // A start without an image: the serial last published stands if it was recorded
            // with this very content (RECORDS.md: the serial moves with every published change,
            // and only then).
            let stored = try inventory.published()
            if stored.serial != 0, let digest = stored.content.flatMap(ContentDigest.init(hex:)), digest == content {
                serial = stored.serial
                known = content
            }
        }
        if known != content || serial == 0 {
            serial = Publisher.nextSerial(after: max(state.serial, inv.settings.publishedSerial), now: clock())
        }
        let compiled = try Publisher.compile(inv, current: current, serial: serial)
        var snapshot = compiled
        if let additions { snapshot = try additions.addingStaticZones(to: compiled) }
        if serial != state.serial {
            try inventory.setPublishedSerial(serial, content: content.description)
        }
        publish(snapshot)
        for w in snapshot.warnings { logger.warning("\(w)") }
        logger.info("published snapshot", metadata: [
            "serial": "\(serial)", "generation": "\(generation)", "records": "\(recordCount)",
            "policies": "\(policyCount)",
        ])
        state = State(generation: inv.generation, additionsGeneration: additionsGeneration, content: content, serial: serial)
        if let imagePath {
            do {
                let size = try SnapshotImageFile.write(
                    SnapshotImageFile.Contents(zones: compiled.zones, policies: snapshot.policies, serial: serial,
                                               inventoryGeneration: inv.generation, content: content),
                    to: imagePath)
                logger.debug("snapshot image written", metadata: ["path": "\(imagePath)", "octets": "\(size)"])
            } catch {
                logger.warning("snapshot image not written", metadata: ["error": "\(error)"])
            }
        }
        return snapshot
    }
}

extension ReloadService {
    /// Starts the additions' `prepare` on a thread of its own, the first time only; nil when it
    /// already ran (or there is none).
    func beginPreparationOnce() -> Preparation? {
        let first = prepared.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first, let prepare = additions?.prepare else { return nil }
        return Preparation(prepare)
    }

    /// Blocking work (file reads, parsing) on a dedicated thread, never on the cooperative
    /// pool, that async code can wait for.
    final class Preparation: Sendable {
        private let state = Mutex<(finished: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        init(_ work: @escaping @Sendable () -> Void) {
            let thread = Thread { [self] in
                work()
                let waiters = state.withLock { current in
                    current.finished = true
                    defer { current.waiters = [] }
                    return current.waiters
                }
                for waiter in waiters { waiter.resume() }
            }
            thread.name = "herald.prepare"
            thread.start()
        }

        /// Returns once the work has finished.
        func wait() async {
            await withCheckedContinuation { continuation in
                let finished = state.withLock { current in
                    if !current.finished { current.waiters.append(continuation) }
                    return current.finished
                }
                if finished { continuation.resume() }
            }
        }
    }

    /// Hands the heap pages freed by a rebuild back to the kernel (glibc keeps them otherwise:
    /// a rebuild's transient typed records would stay in the process's resident set).
    public static func returnFreeMemory() {
        #if canImport(Glibc)
        if let trim = mallocTrim { _ = trim(0) }
        #endif
    }

    #if canImport(Glibc)
    /// glibc's `malloc_trim(3)`, looked up at run time (Swift's Glibc module does not import
    /// `<malloc.h>`); nil on a C library without it.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif
}

