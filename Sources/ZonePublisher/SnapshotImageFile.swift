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
/// Layout: magic `HERALDSI`, format version (UInt32), a 64-bit checksum of the payload, payload
/// length, payload (little-endian; see `ZoneSnapshot.encode(into:)`). Written to a temporary
/// file, flushed and renamed into place, so a crash never leaves half an image.
public enum SnapshotImageFile {
    /// The first eight octets of every image.
    static let magic: [UInt8] = Array("HERALDSI".utf8)
    /// Bumped whenever the layout or what the records mean changes, so an image from another
    /// build is ignored rather than misread.
    /// Version 3: the zones are H and R only; static zones are read from their files on start.
    static let version: UInt32 = 3

    /// What an image holds.
    public struct Contents: Sendable {
        /// The compiled zones built from the inventory (H and R; never the operator's static
        /// zones, whose files are the source of truth and are read again on start).
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
        header.write(payload.bytes.withUnsafeBytes { checksum($0) })
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
        let bytes = try readAll(path)
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
            let payloadStart = reader.offset
            guard bytes.withUnsafeBytes({ checksum(UnsafeRawBufferPointer(rebasing: $0[payloadStart...])) }) == sum else {
                throw ImageError(path: path, reason: "checksum mismatch (damaged file)")
            }
            var body = ImageReader(bytes, offset: payloadStart)
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

    /// The whole file in one buffer (read(2) straight into the array: no intermediate copy).
    static func readAll(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImageError(path: path, reason: "cannot stat: \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        var failure: String? = nil
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = Glibc.read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = n < 0 ? "read failed: \(String(cString: strerror(errno)))" : "file shrank while read"
                    break
                }
                done += n
            }
            initialized = done
        }
        if let failure { throw ImageError(path: path, reason: failure) }
        return bytes
    }

    /// FNV-1a-style 64-bit checksum in four independent lanes of eight octets each, folded at
    /// the end (detects damage, not tampering; the lanes let the multiplies overlap).
    static func checksum(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xCBF2_9CE4_8422_2325, 0x84222325CBF29CE4, 0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F)
        var offset = 0
        while offset + 32 <= raw.count {
            lanes.0 = (lanes.0 ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* prime
            lanes.1 = (lanes.1 ^ raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)) &* prime
            lanes.2 = (lanes.2 ^ raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)) &* prime
            lanes.3 = (lanes.3 ^ raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)) &* prime
            offset += 32
        }
        var hash = lanes.0
        for lane in [lanes.1, lanes.2, lanes.3] { hash = (hash ^ lane) &* prime }
        while offset < raw.count {
            hash = (hash ^ UInt64(raw[offset])) &* prime
            offset += 1
        }
        return (hash ^ UInt64(raw.count)) &* prime
    }
}
