/// A lowercase wire name (or a label-aligned suffix of one) used as a hash key, held as a
/// slice so a suffix of a query's key is looked up without copying; hashed in one bulk call
/// rather than octet by octet.
struct WireKey: Hashable, Sendable {
    /// The octets: labels then the root octet.
    let bytes: ArraySlice<UInt8>

    /// A key for a whole wire name.
    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    /// A key for a suffix (or any slice) of a wire name; shares storage.
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// Octet-wise equality.
    static func == (lhs: WireKey, rhs: WireKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count && lhs.bytes.elementsEqual(rhs.bytes)
    }

    /// Feeds the octets to the hasher in one call.
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
