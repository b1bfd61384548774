import DNSAuthority
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The last published snapshot on disk, so that `herald serve` answers at once when it
/// restarts instead of rebuilding every customer's records first (the role NSD's compiled
/// `nsd.db` played): the compiled zones as the responder holds them, the policy bodies, the
/// SOA serial, the content digest, and the inventory generation they were built from.
///
/// The image is a cache, never the source of truth: ``ReloadService`` uses it only when its
/// inventory generation is the inventory's current one, and rebuilds from the inventory in the
/// background straight after, replacing it (same content keeps the same serial).
///
/// Layout: magic `HERALDSI`, format version (UInt32), FNV-1a-64 checksum of the payload, payload
/// length, payload (little-endian; see `ZoneSnapshot.encode(into:)`). Written to a temporary
/// file, flushed and renamed into place, so a crash never leaves half an image.
public enum SnapshotImageFile {
    /// The first eight octets of every image.
    static let magic: [UInt8] = Array("HERALDSI".utf8)
    /// Bumped whenever the layout or what the records mean changes, so an image from another
    /// build is ignored rather than misread.
    static let version: UInt32 = 1

    /// What an image holds.
    public struct Contents: Sendable {
        /// The compiled zones.
        public var zones: ZoneSnapshot
        /// Policy bodies by policy host (`mta-sts.example.com`).
        public var policies: [String: String]
        /// The SOA serial of the zones.
        public var serial: UInt32
        /// The inventory generation the snapshot was built from.
        public var inventoryGeneration: Int64
        /// The digest of the published records, policies and address sets.
        public var content: ContentDigest

        /// Memberwise initializer.
        public init(zones: ZoneSnapshot, policies: [String: String], serial: UInt32, inventoryGeneration: Int64, content: ContentDigest) {
            self.zones = zones
            self.policies = policies
            self.serial = serial
            self.inventoryGeneration = inventoryGeneration
            self.content = content
        }
    }

    /// Errors naming the image file.
    public struct ImageError: Error, CustomStringConvertible {
        /// The file.
        public let path: String
        /// What is wrong.
        public let reason: String
        public var description: String { "snapshot image '\(path)': \(reason)" }
    }

    /// Writes `contents` to `path` atomically (temporary file in the same directory, fsync,
    /// rename).
    /// - Returns: the image size in octets.
    /// - Throws: ``ImageError`` when the file cannot be written.
    @discardableResult
    public static func write(_ contents: Contents, to path: String) throws -> Int {
        var payload = ImageWriter(capacity: 1 << 20)
        payload.write(contents.inventoryGeneration)
        payload.write(contents.serial)
        payload.write(UInt64(truncatingIfNeeded: contents.content.value >> 64))
        payload.write(UInt64(truncatingIfNeeded: contents.content.value))
        payload.write(UInt32(contents.policies.count))
        for host in contents.policies.keys.sorted() {
            payload.write(text: host)
            payload.write(text: contents.policies[host]!)
        }
        contents.zones.encode(into: &payload)
        var header = ImageWriter(capacity: 32)
        for byte in magic { header.write(byte) }
        header.write(version)
        header.write(checksum(payload.bytes))
        header.write(UInt64(payload.bytes.count))

        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ImageError(path: path, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String? = nil
        for part in [header.bytes, payload.bytes] where failure == nil {
            part.withUnsafeBytes { bytes in
                var written = 0
                while written < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = "write failed: \(String(cString: strerror(errno)))"
                        return
                    }
                    written += n
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "fsync failed: \(String(cString: strerror(errno)))" }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = "rename failed: \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(temporary)
            throw ImageError(path: path, reason: failure)
        }
        return header.bytes.count + payload.bytes.count
    }

    /// Reads the image at `path`.
    /// - Returns: nil when there is no file.
    /// - Throws: ``ImageError`` when the file is unreadable, from another format version,
    ///   damaged (checksum) or inconsistent (the decoder's error, naming the field).
    public static func read(path: String) throws -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw ImageError(path: path, reason: "unreadable") }
        let bytes = [UInt8](data)
        var reader = ImageReader(bytes)
        do {
            for byte in magic where try reader.read(UInt8.self, "magic") != byte {
                throw ImageError(path: path, reason: "not a Herald snapshot image")
            }
            let found = try reader.read(UInt32.self, "version")
            guard found == version else { throw ImageError(path: path, reason: "format version \(found), this build reads \(version)") }
            let sum = try reader.read(UInt64.self, "checksum")
            let length = try reader.read(UInt64.self, "length")
            guard length == UInt64(reader.remaining) else {
                throw ImageError(path: path, reason: "payload of \(reader.remaining) octets, header says \(length)")
            }
            let payload = Array(bytes[reader.offset...])
            guard checksum(payload) == sum else { throw ImageError(path: path, reason: "checksum mismatch (damaged file)") }
            var body = ImageReader(payload)
            let generation = try body.read(Int64.self, "inventory generation")
            let serial = try body.read(UInt32.self, "serial")
            let high = try body.read(UInt64.self, "digest")
            let low = try body.read(UInt64.self, "digest")
            let count = Int(try body.read(UInt32.self, "policies"))
            guard count <= body.remaining else { throw ImageError(path: path, reason: "policy count \(count) exceeds the file") }
            var policies: [String: String] = [:]
            policies.reserveCapacity(count)
            for _ in 0..<count {
                let host = try body.readText("policy host")
                policies[host] = try body.readText("policy body")
            }
            let zones = try ZoneSnapshot.decode(from: &body)
            guard body.remaining == 0 else { throw ImageError(path: path, reason: "\(body.remaining) octets after the zones") }
            return Contents(zones: zones, policies: policies, serial: serial, inventoryGeneration: generation,
                            content: ContentDigest(value: UInt128(high) << 64 | UInt128(low)))
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError(path: path, reason: "\(error)")
        }
    }

    /// FNV-1a, 64-bit, eight octets at a time folded in order (detects damage, not tampering).
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + 8 <= raw.count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01B3
                offset += 8
            }
            while offset < raw.count {
                hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01B3
                offset += 1
            }
        }
        return hash
    }
}
