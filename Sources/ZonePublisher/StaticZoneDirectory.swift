import DNSAuthority
import DNSCore
import Foundation
import Logging
import Synchronization

/// The operator's static zones: every `*.zone` file directly in one directory
/// (`herald serve --zones DIR`), compiled by ``StaticZoneLoader`` and served next to H and R.
///
/// ``generation()`` `stat`s the files and changes whenever one is added, removed or modified
/// (device, inode, size, mtime), so the reload loop that polls it recompiles within one poll.
/// ``zones(servedZones:)`` compiles the files (each only when it changed). At start-up
/// (``loadAll(servedZones:)``) any bad file is an error; on a later reload a bad file is logged
/// and its last good version keeps serving (a removed file stops being served).
public final class StaticZoneDirectory: Sendable {
    /// The directory scanned.
    public let directory: String
    private let logger: Logger
    private let cache: Mutex<[String: Entry]>

    /// One file's last read: its identity and compiled zone (or the last good one).
    private struct Entry: Sendable {
        var stamp: Stamp
        var zone: Zone?
        var error: StaticZoneError?
    }

    /// Device, inode, size and modification time of a file.
    struct Stamp: Hashable, Sendable {
        var device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            seconds = Int(info.st_mtim.tv_sec)
            nanoseconds = Int(info.st_mtim.tv_nsec)
        }
    }

    /// A directory of static zones; nothing is read until asked.
    public init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
        self.cache = Mutex([:])
    }

    /// The `*.zone` files directly in the directory, sorted (hidden files skipped).
    /// - Throws: ``StaticZoneError/cannotList(directory:reason:)``.
    public func files() throws(StaticZoneError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .cannotList(directory: directory, reason: "\(error)")
        }
        return names.filter { $0.hasSuffix(".zone") && !$0.hasPrefix(".") }.sorted().map { "\(directory)/\($0)" }
    }

    /// A hash of every zone file's identity; changes when a file is added, removed or modified.
    public func generation() -> UInt64 {
        var hasher = Hasher()
        for path in (try? files()) ?? [] {
            hasher.combine(path)
            hasher.combine(Stamp(path: path))
        }
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }

    /// Compiles every file, refusing any error (start-up).
    /// - Parameter servedZones: the zones built from the inventory (H, R); a static zone equal
    ///   to, inside or above one of them is refused.
    /// - Throws: the first ``StaticZoneError`` in file order.
    public func loadAll(servedZones: [DNSName]) throws(StaticZoneError) -> [Zone] {
        let (zones, _, errors) = try read(servedZones: servedZones)
        if let first = errors.first { throw first }
        return zones
    }

    /// The zones to serve now: each file's current zone, or its last good zone when the file
    /// became invalid (the error is logged once per change).
    /// - Throws: ``StaticZoneError/cannotList(directory:reason:)`` only.
    public func zones(servedZones: [DNSName]) throws(StaticZoneError) -> [Zone] {
        let (zones, fresh, _) = try read(servedZones: servedZones)
        for (error, hadGoodVersion) in fresh {
            logger.error(hadGoodVersion ? "static zone not reloaded; its last good version keeps serving"
                                        : "static zone not loaded; it is not served until the file is fixed",
                         metadata: ["error": .string(error.description)])
        }
        return zones
    }

    /// Reads changed files and checks the set; returns the zones, the errors found by this
    /// read (each with whether a last good version of that file is still served), and every
    /// current error (including files still broken since an earlier read). A file that went
    /// away since the last read is logged as no longer served.
    private func read(servedZones: [DNSName]) throws(StaticZoneError)
        -> ([Zone], [(StaticZoneError, hadGoodVersion: Bool)], [StaticZoneError]) {
        let paths = try files()
        var errors: [(StaticZoneError, hadGoodVersion: Bool)] = []
        var all: [StaticZoneError] = []
        var byOrigin: [DNSName: String] = [:]
        var zones: [Zone] = []
        var next: [String: Entry] = [:]
        let previous = cache.withLock { $0 }
        for path in paths {
            guard let stamp = Stamp(path: path) else { continue }
            var entry: Entry
            if let cached = previous[path], cached.stamp == stamp {
                entry = cached
                if let error = cached.error { all.append(error) }
            } else {
                entry = Entry(stamp: stamp, zone: previous[path]?.zone, error: nil)
                do {
                    let zone = try StaticZoneLoader.load(path: path)
                    try Self.checkOverlap(zone.origin, path: path, servedZones: servedZones)
                    entry.zone = zone
                    logger.info("static zone loaded", metadata: ["file": .string(path), "origin": .string(zone.origin.description),
                                                               "serial": "\(zone.serial)"])
                } catch {
                    entry.error = error
                    errors.append((error, entry.zone != nil))
                    all.append(error)
                }
            }
            next[path] = entry
            guard let zone = entry.zone else { continue }
            do {
                try Self.checkOverlap(zone.origin, path: path, servedZones: servedZones)
            } catch {
                if entry.error == nil { errors.append((error, false)); all.append(error) }
                continue
            }
            if let other = byOrigin[zone.origin] {
                let duplicate = StaticZoneError.duplicateOrigin(path: path, otherPath: other, origin: zone.origin.description)
                errors.append((duplicate, false))
                all.append(duplicate)
                continue
            }
            byOrigin[zone.origin] = path
            zones.append(zone)
        }
        for (path, entry) in previous where next[path] == nil {
            // Only a file that had a zone (one refused from the start never served any).
            guard let zone = entry.zone else { continue }
            logger.notice("static zone file gone; its zone is no longer served", metadata: [
                "file": .string(path), "origin": .string(zone.origin.description)])
        }
        cache.withLock { $0 = next }
        return (zones, errors, all)
    }

    /// Refuses an origin equal to, inside or above a served zone.
    static func checkOverlap(_ origin: DNSName, path: String, servedZones: [DNSName]) throws(StaticZoneError) {
        for served in servedZones where origin.isSubdomain(of: served) || served.isSubdomain(of: origin) {
            throw .overlapsServedZone(path: path, origin: origin.description, servedZone: served.description)
        }
    }
}
