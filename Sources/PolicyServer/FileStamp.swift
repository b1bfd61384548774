import Foundation

/// Identity of a file's current contents: device, inode, size (bytes) and modification time
/// (seconds and nanoseconds since the epoch), from `stat(2)`.
///
/// Two stamps are equal when the file was not replaced (rename changes the inode) nor rewritten
/// in place (size or mtime change) in between; ``CertificateStore`` and the ACME challenge
/// responder re-read a file only when its stamp changed.
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// `stat(2)` of `path`, or `nil` when it does not exist or is not a regular file.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The stamp of an already-`stat`ed (or `fstat`ed) file; `nil` when it is not a regular file.
    init?(_ info: stat) {
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
