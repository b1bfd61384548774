import Foundation
import ZIPFoundation

/// Reads the entries of a zip archive (PKWARE APPNOTE) in memory through ZIPFoundation, with the
/// ``IngestLimits`` caps.
///
/// Checks, in order: the archive size; the entry count (at most ``IngestLimits/maxZipEntries``);
/// each entry's declared uncompressed size; then extracts to memory counting bytes, so an entry
/// whose header lies about its size still stops at the cap. Directories are skipped; an entry
/// that is itself an archive (by name or magic bytes) is refused.
enum ZipExtractor {
    /// `true` when `data` starts with a local file header `PK\u{3}\u{4}` (or an empty archive's
    /// end record `PK\u{5}\u{6}`).
    static func isZip(_ data: Data) -> Bool {
        guard data.count >= 4 else { return false }
        let s = data.startIndex
        return data[s] == 0x50 && data[s + 1] == 0x4b
            && ((data[s + 2] == 3 && data[s + 3] == 4) || (data[s + 2] == 5 && data[s + 3] == 6))
    }

    /// The entries of the archive: (entry path, bytes).
    ///
    /// - Throws: ``ReportsError/tooLarge(what:size:limit:)``,
    ///   ``ReportsError/tooManyEntries(what:limit:)``, ``ReportsError/decompressedTooLarge(what:limit:ratio:)``,
    ///   ``ReportsError/nestedArchive(what:inner:)``, ``ReportsError/corruptArchive(what:detail:)``.
    static func entries(_ data: Data, what: String, limits: IngestLimits) throws -> [(name: String, data: Data)] {
        guard data.count <= limits.maxCompressedBytes else {
            throw ReportsError.tooLarge(what: what, size: data.count, limit: limits.maxCompressedBytes)
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ReportsError.corruptArchive(what: what, detail: "zip: \(error)")
        }
        var files: [Entry] = []
        var count = 0
        for entry in archive {
            count += 1
            if count > limits.maxZipEntries { throw ReportsError.tooManyEntries(what: what, limit: limits.maxZipEntries) }
            guard entry.type == .file else { continue }
            let lower = entry.path.lowercased()
            if [".zip", ".gz", ".gzip", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".eml"].contains(where: lower.hasSuffix) {
                throw ReportsError.nestedArchive(what: what, inner: entry.path)
            }
            files.append(entry)
        }
        let (limit, byRatio) = limits.outputLimit(forCompressed: data.count)
        var total = 0
        var result: [(String, Data)] = []
        for entry in files {
            let declared = entry.uncompressedSize
            if declared > UInt64(limit - total) {
                throw ReportsError.decompressedTooLarge(what: "\(what): \(entry.path)", limit: limit, ratio: byRatio)
            }
            var bytes = Data()
            do {
                _ = try archive.extract(entry, bufferSize: 64 * 1024) { chunk in
                    total += chunk.count
                    if total > limit {
                        throw ReportsError.decompressedTooLarge(what: "\(what): \(entry.path)", limit: limit, ratio: byRatio)
                    }
                    bytes.append(chunk)
                }
            } catch let error as ReportsError {
                throw error
            } catch {
                throw ReportsError.corruptArchive(what: "\(what): \(entry.path)", detail: "zip: \(error)")
            }
            if isZip(bytes) || GzipDecoder.isGzip(bytes) {
                throw ReportsError.nestedArchive(what: what, inner: entry.path)
            }
            result.append((entry.path, bytes))
        }
        return result
    }
}
