import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Whether anything in one directory changed since the last look, from Linux inotify
/// (inotify(7)): a file created, written, renamed in or out, deleted, or its attributes
/// changed, or the directory itself moved or deleted. Events are only counted, never
/// interpreted: any event (including a queue overflow) means "changed".
///
/// Changes behind a symbolic link (its target rewritten elsewhere) are not seen; callers keep
/// a periodic full check for those. When inotify is unavailable (no support, watch limit
/// reached) every look reports a change, so callers fall back to checking every time.
public final class DirectoryWatch: Sendable {
    private let descriptor: Mutex<Int32>

    /// Starts watching `path`; never throws (an unavailable watch reports change every time).
    public init(path: String) {
        var fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd >= 0 {
            let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                                | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
            if inotify_add_watch(fd, path, mask) < 0 {
                close(fd)
                fd = -1
            }
        }
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { if $0 >= 0 { close($0) } }
    }

    /// Whether the watch is working (false: every ``drainChanged()`` is true).
    public var isActive: Bool { descriptor.withLock { $0 >= 0 } }

    /// Whether any event arrived since the last call; reads (discards) every pending event.
    /// True when the watch is unavailable or reading it fails.
    public func drainChanged() -> Bool {
        descriptor.withLock { fd in
            guard fd >= 0 else { return true }
            var changed = false
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 { changed = true; continue }
                if count < 0 && errno == EINTR { continue }
                if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK { return true }
                return changed
            }
        }
    }
}
