import Foundation
import GRDB
import Inventory

/// `herald reports ingest`: reads report files and directories into the inventory.
///
/// Paths may be files or directories (walked recursively, in name order). In a directory, a file
/// is read when its name ends in `.xml`, `.gz`, `.zip`, `.eml`, `.json` (any case) or when it
/// sits in a Maildir `cur/` or `new/` folder; other files are counted as ignored. A file named
/// explicitly is always read. Each file is parsed outside the database and then stored in one
/// savepoint (all of its reports or none); files are committed in batches of
/// ``batchSize`` to keep 10,000 small files fast. A refused file is recorded in
/// ``IngestTotals/rejected`` with its reason and the run goes on.
public struct ReportIngester: Sendable {
    /// The inventory written to.
    public let inventory: Inventory
    /// Safety limits.
    public let limits: IngestLimits
    /// Files per write transaction.
    public var batchSize = 256

    /// Creates an ingester.
    public init(inventory: Inventory, limits: IngestLimits = IngestLimits()) {
        self.inventory = inventory
        self.limits = limits
    }

    /// The files `paths` name, in order: files as given, directories walked.
    ///
    /// - Returns: the files to read and the number of directory entries ignored.
    /// - Throws: ``ReportsError/unreadable(path:detail:)`` for a path that does not exist.
    public static func files(in paths: [String]) throws -> (files: [String], ignored: Int) {
        var files: [String] = []
        var ignored = 0
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReportsError.unreadable(path: path, detail: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else {
                throw ReportsError.unreadable(path: path, detail: "cannot list directory")
            }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                var sub: ObjCBool = false
                guard manager.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { continue }
                if isReportName(relative) { found.append(full) } else { ignored += 1 }
            }
            files += found.sorted()
        }
        return (files, ignored)
    }

    /// Whether a file found in a directory walk is read.
    static func isReportName(_ relative: String) -> Bool {
        let components = relative.split(separator: "/")
        guard let name = components.last?.lowercased(), !name.hasPrefix(".") else { return false }
        if [".xml", ".gz", ".zip", ".eml", ".json"].contains(where: name.hasSuffix) { return true }
        if components.count >= 2, ["cur", "new"].contains(components[components.count - 2]) { return true }
        return false
    }

    /// Reads and stores every report in `paths`.
    ///
    /// - Parameters:
    ///   - now: ingestion time, Unix seconds.
    ///   - progress: called after each file with (files done, files total).
    /// - Throws: ``ReportsError/unreadable(path:detail:)`` for a missing path (before anything is
    ///   stored); ``InventoryError/database(_:)`` when the database itself fails. Bad files do
    ///   not throw: they are listed in the totals.
    public func ingest(paths: [String], now: Int64, progress: (Int, Int) -> Void = { _, _ in }) throws -> IngestTotals {
        let (files, ignored) = try Self.files(in: paths)
        var totals = IngestTotals()
        totals.ignored = ignored
        let store = try inventory.pool.read { try ReportStore($0) }
        var done = 0
        var start = 0
        while start < files.count {
            let batch = files[start..<min(files.count, start + batchSize)]
            start += batch.count
            var parsed: [(String, Result<[ExtractedReport], ReportsError>)] = []
            for path in batch { parsed.append((path, Result { try read(path) }.mapError { $0 as! ReportsError })) }
            do {
                try inventory.pool.write { db in
                    for (path, result) in parsed {
                        totals.files += 1
                        switch result {
                        case .failure(let error):
                            totals.rejected.append(.init(path: path, category: error.category, reason: error.description))
                        case .success(let reports):
                            do {
                                try store.store(reports, source: path, now: now, db: db, totals: &totals)
                            } catch let error as DatabaseError {
                                totals.rejected.append(.init(path: path, category: "database-refused",
                                                             reason: "\(path): database refused it: \(error.message ?? "\(error)")"))
                            }
                        }
                        done += 1
                        progress(done, files.count)
                    }
                }
            } catch let error as DatabaseError {
                throw InventoryError.database(error.message ?? "\(error)")
            }
        }
        return totals
    }

    /// The reports in one file.
    func read(_ path: String) throws(ReportsError) -> [ExtractedReport] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > limits.maxCompressedBytes {
            throw .tooLarge(what: path, size: size, limit: limits.maxCompressedBytes)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, detail: (error as NSError).localizedDescription)
        }
        do { return try ReportExtractor.extract(data, what: path, limits: limits) } catch let error as ReportsError {
            throw error
        } catch {
            throw .unusableFile(path: path, reason: "\(error)")
        }
    }
}
