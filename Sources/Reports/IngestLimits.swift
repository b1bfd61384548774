/// Safety limits applied to every report input (issue 6: "strict with danger").
///
/// Sizes are bytes. A limit is checked before any work it protects: the compressed size before
/// reading or decompressing, the zip entry count and declared sizes before extracting, the
/// decompressed size and ratio while decompressing (the output never grows past them).
public struct IngestLimits: Sendable, Equatable {
    /// Largest file, MIME attachment or compressed input accepted, bytes (default 20 MiB).
    public var maxCompressedBytes: Int
    /// Largest decompressed report, bytes (default 100 MiB).
    public var maxDecompressedBytes: Int
    /// Largest decompressed/compressed ratio (default 200); applies once the output exceeds
    /// ``ratioFloorBytes``, so small, highly repetitive reports are never refused.
    public var maxRatio: Int
    /// Output size below which the ratio is not checked, bytes (default 1 MiB).
    public var ratioFloorBytes: Int
    /// Most entries in one zip archive (default 16; real reports carry one).
    public var maxZipEntries: Int

    /// Creates limits; the defaults are 20 MiB, 100 MiB, 200:1 above 1 MiB, 16 zip entries.
    public init(maxCompressedBytes: Int = 20 << 20, maxDecompressedBytes: Int = 100 << 20, maxRatio: Int = 200,
                ratioFloorBytes: Int = 1 << 20, maxZipEntries: Int = 16) {
        self.maxCompressedBytes = maxCompressedBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxRatio = maxRatio
        self.ratioFloorBytes = ratioFloorBytes
        self.maxZipEntries = maxZipEntries
    }

    /// The output cap for an input of `compressed` bytes: the smaller of the decompressed cap
    /// and the ratio cap (never below ``ratioFloorBytes``); `ratio` says which one binds.
    func outputLimit(forCompressed compressed: Int) -> (limit: Int, ratio: Bool) {
        let (product, overflow) = compressed.multipliedReportingOverflow(by: maxRatio)
        let byRatio = overflow ? Int.max : max(ratioFloorBytes, product)
        return byRatio < maxDecompressedBytes ? (byRatio, true) : (maxDecompressedBytes, false)
    }
}
