import NIOSSL

/// A bounded least-recently-used cache of the TLS material (OpenSSL chain and key objects) of
/// the policy hosts that had handshakes lately, each tagged with the stamps of the files it was
/// built from. Used by ``CertificateStore`` under its lock.
///
/// At most ``capacity`` hosts are kept (0 keeps none); inserting one more drops the least
/// recently used. Eviction scans the entries (O(capacity)); it happens only after a disk read and
/// parse, which cost far more.
struct TLSOverrideCache {
    private struct Item {
        var certificateStamp: FileStamp
        var keyStamp: FileStamp
        var override: NIOSSLContextConfigurationOverride
        var lastUse: UInt64
    }

    /// Most hosts kept.
    let capacity: Int
    private var items: [String: Item] = [:]
    private var uses: UInt64 = 0

    /// An empty cache holding at most `capacity` hosts (negative counts as 0).
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Number of hosts whose material is held.
    var count: Int { items.count }

    /// The material of `host` when it was built from files with exactly these stamps; marks it
    /// recently used. A stale item (other stamps) is dropped.
    mutating func lookup(_ host: String, certificateStamp: FileStamp, keyStamp: FileStamp) -> NIOSSLContextConfigurationOverride? {
        guard var item = items[host] else { return nil }
        guard item.certificateStamp == certificateStamp, item.keyStamp == keyStamp else {
            items.removeValue(forKey: host)
            return nil
        }
        uses &+= 1
        item.lastUse = uses
        items[host] = item
        return item.override
    }

    /// Keeps `override` for `host`, dropping the least recently used host when over capacity.
    mutating func insert(_ host: String, certificateStamp: FileStamp, keyStamp: FileStamp,
                         override: NIOSSLContextConfigurationOverride) {
        guard capacity > 0 else { return }
        uses &+= 1
        items[host] = Item(certificateStamp: certificateStamp, keyStamp: keyStamp, override: override, lastUse: uses)
        if items.count > capacity, let oldest = items.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            items.removeValue(forKey: oldest)
        }
    }

    /// Drops `host`'s material.
    mutating func remove(_ host: String) {
        items.removeValue(forKey: host)
    }

    /// Drops everything.
    mutating func removeAll() {
        items.removeAll()
    }
}
