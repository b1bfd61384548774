import CompressNIO
import Foundation
import NIOCore

/// Decompresses gzip (RFC 1952) members with the ``IngestLimits`` caps, through CompressNIO.
///
/// The output never grows past the cap: decompression stops with
/// ``ReportsError/decompressedTooLarge(what:limit:ratio:)`` as soon as it would.
enum GzipDecoder {
    /// `true` when `data` starts with the gzip magic `1f 8b` (RFC 1952 §2.3.1).
    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed bytes of `data`.
    ///
    /// - Parameter what: names the input in errors (file name, `file.eml: attachment a.xml.gz`).
    /// - Throws: ``ReportsError/tooLarge(what:size:limit:)`` before decompressing an input over
    ///   the compressed cap; ``ReportsError/decompressedTooLarge(what:limit:ratio:)`` when the
    ///   output would pass the decompressed or ratio cap; ``ReportsError/corruptArchive(what:detail:)``.
    static func decompress(_ data: Data, what: String, limits: IngestLimits) throws -> Data {
        guard data.count <= limits.maxCompressedBytes else {
            throw ReportsError.tooLarge(what: what, size: data.count, limit: limits.maxCompressedBytes)
        }
        let (limit, byRatio) = limits.outputLimit(forCompressed: data.count)
        var input = ByteBuffer(bytes: data)
        let output: ByteBuffer
        do {
            // maxSize is exclusive in CompressNIO (it throws once the buffer reaches it).
            output = try input.decompress(with: .gzip(), maxSize: limit + 1)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw ReportsError.decompressedTooLarge(what: what, limit: limit, ratio: byRatio)
        } catch {
            throw ReportsError.corruptArchive(what: what, detail: "gzip: \(error)")
        }
        if output.readableBytes > limit {
            throw ReportsError.decompressedTooLarge(what: what, limit: limit, ratio: byRatio)
        }
        if output.readableBytes == 0 {
            throw ReportsError.corruptArchive(what: what, detail: "gzip stream is empty or truncated")
        }
        return Data(output.readableBytesView)
    }
}
