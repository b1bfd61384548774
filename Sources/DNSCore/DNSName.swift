/// A fully qualified domain name: labels as octets, case preserved, with a canonical
/// lowercase key used for hashing and comparison (RFC 1035 §2.3.3, §3.1; RFC 4343).
///
/// Stored in uncompressed wire form (length-prefixed labels ending in the zero-length root
/// label). Invariants: every label is 1…63 octets and the wire form is ≤ 255 octets
/// (RFC 1035 §2.3.4). Two names are equal when their lowercase keys are equal (ASCII case
/// folding only, RFC 4343 §3).
public struct DNSName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The uncompressed wire form with the original case, ending in a zero octet.
    public let wire: [UInt8]
    /// The uncompressed wire form with ASCII letters lowercased: the canonical key.
    public let key: [UInt8]

    /// The maximum wire length of a name in octets (RFC 1035 §2.3.4).
    public static let maxWireLength = 255
    /// The maximum length of one label in octets (RFC 1035 §2.3.4).
    public static let maxLabelLength = 63

    /// The root name `.`.
    public static let root = DNSName(uncheckedWire: [0])

    /// Creates a name from already validated wire bytes (internal: callers guarantee the
    /// invariants).
    init(uncheckedWire wire: [UInt8]) {
        self.wire = wire
        self.key = DNSName.lowercasedKey(wire)
    }

    /// Creates a name from its labels, most specific first, each given as raw octets.
    ///
    /// - Throws: `DNSCoreError.emptyLabel` for an empty label, `.labelTooLong` for a label
    ///   over 63 octets, `.nameTooLong` when the wire form exceeds 255 octets.
    public init(labels: [[UInt8]]) throws {
        var wire: [UInt8] = []
        wire.reserveCapacity(labels.reduce(1) { $0 + $1.count + 1 })
        for label in labels {
            if label.isEmpty {
                throw DNSCoreError.emptyLabel(name: DNSName.presentation(ofLabels: labels))
            }
            if label.count > DNSName.maxLabelLength {
                throw DNSCoreError.labelTooLong(label: DNSName.presentation(ofLabel: label), length: label.count)
            }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        if wire.count > DNSName.maxWireLength {
            throw DNSCoreError.nameTooLong(name: DNSName.presentation(ofLabels: labels), length: wire.count)
        }
        self.init(uncheckedWire: wire)
    }

    /// Creates a name from uncompressed wire bytes (length-prefixed labels ending in 0).
    ///
    /// - Throws: `DNSCoreError` when the bytes are not exactly one valid uncompressed name.
    public init(wire: [UInt8]) throws {
        var labels: [[UInt8]] = []
        var index = 0
        while true {
            guard index < wire.count else { throw DNSCoreError.truncated(field: "name label length", offset: index) }
            let length = Int(wire[index])
            if length == 0 { break }
            if length & 0xC0 != 0 { throw DNSCoreError.badLabelType(byte: wire[index], offset: index) }
            guard index + 1 + length <= wire.count else { throw DNSCoreError.truncated(field: "name label", offset: index) }
            labels.append(Array(wire[(index + 1)..<(index + 1 + length)]))
            index += 1 + length
        }
        guard index == wire.count - 1 else {
            throw DNSCoreError.malformedMessage(reason: "trailing octets after name in wire form")
        }
        try self.init(labels: labels)
    }

    /// The labels, most specific first, as raw octets (the root label is not included).
    public var labels: [[UInt8]] {
        var result: [[UInt8]] = []
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            result.append(Array(wire[(index + 1)..<(index + 1 + length)]))
            index += 1 + length
        }
        return result
    }

    /// The number of labels, not counting the root label (`example.com.` has 2).
    public var labelCount: Int {
        var count = 0
        var index = 0
        while wire[index] != 0 {
            count += 1
            index += 1 + Int(wire[index])
        }
        return count
    }

    /// Whether this is the root name.
    public var isRoot: Bool { wire.count == 1 }

    /// The wire length in octets, including the root label.
    public var wireLength: Int { wire.count }

    /// The name with the first label removed, or `nil` for the root.
    public var parent: DNSName? {
        if isRoot { return nil }
        return DNSName(uncheckedWire: Array(wire[(1 + Int(wire[0]))...]))
    }

    /// The name lowercased (ASCII only), keeping the same labels.
    public func lowercased() -> DNSName { DNSName(uncheckedWire: key) }

    /// Whether this name equals `other` or lies below it, comparing case-insensitively
    /// (RFC 1034 §3.1). Every name is a subdomain of the root.
    public func isSubdomain(of other: DNSName) -> Bool {
        let mine = key
        let theirs = other.key
        guard mine.count >= theirs.count else { return false }
        let start = mine.count - theirs.count
        // The suffix must begin on a label boundary.
        var index = 0
        while index < start {
            index += 1 + Int(mine[index])
        }
        guard index == start else { return false }
        return mine[start...].elementsEqual(theirs)
    }

    /// Returns a new name with `label` prepended.
    ///
    /// - Throws: `DNSCoreError` when the label is empty or over 63 octets or the result
    ///   exceeds 255 octets.
    public func prepending(label: [UInt8]) throws -> DNSName {
        try DNSName(labels: [label] + labels)
    }

    /// Returns `self` relative to `origin` appended: `www` + `example.com.` → `www.example.com.`.
    ///
    /// - Throws: `DNSCoreError.nameTooLong` when the result exceeds 255 octets.
    public func appending(_ origin: DNSName) throws -> DNSName {
        try DNSName(labels: labels + origin.labels)
    }

    /// The presentation form with a trailing dot, escaping special and non-printable octets
    /// (RFC 1035 §5.1).
    public var description: String {
        if isRoot { return "." }
        return DNSName.presentation(ofLabels: labels) + "."
    }

    /// Equality by canonical (lowercase) key.
    public static func == (lhs: DNSName, rhs: DNSName) -> Bool { lhs.key == rhs.key }

    /// Hashes the canonical (lowercase) key.
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Canonical DNS name order (RFC 4034 §6.1): compare labels right to left, each as
    /// lowercase octet strings.
    /// Allocates nothing: label offsets go to stack buffers and labels are compared in place
    /// (zone assembly sorts every record by owner).
    public static func < (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.key.withUnsafeBufferPointer { left in
            rhs.key.withUnsafeBufferPointer { right in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 128) { leftStarts in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: 128) { rightStarts in
                        let leftCount = labelStarts(left, into: leftStarts)
                        let rightCount = labelStarts(right, into: rightStarts)
                        var i = leftCount - 1
                        var j = rightCount - 1
                        while i >= 0 && j >= 0 {
                            let a = left[(leftStarts[i] + 1)..<(leftStarts[i] + 1 + Int(left[leftStarts[i]]))]
                            let b = right[(rightStarts[j] + 1)..<(rightStarts[j] + 1 + Int(right[rightStarts[j]]))]
                            if !a.elementsEqual(b) { return a.lexicographicallyPrecedes(b) }
                            i -= 1
                            j -= 1
                        }
                        return leftCount < rightCount
                    }
                }
            }
        }
    }

    /// Offsets of each label's length octet in a wire name, left to right; returns the count.
    private static func labelStarts(_ wire: UnsafeBufferPointer<UInt8>, into starts: UnsafeMutableBufferPointer<Int>) -> Int {
        var position = 0
        var count = 0
        while position < wire.count, wire[position] != 0, count < starts.count {
            starts[count] = position
            count += 1
            position += Int(wire[position]) + 1
        }
        return count
    }

    /// Lowercases ASCII letters in a wire-form name; length octets are never in `A…Z`
    /// range confusion because only label bytes are touched.
    static func lowercasedKey(_ wire: [UInt8]) -> [UInt8] {
        var key = wire
        var index = 0
        while index < key.count {
            let length = Int(key[index])
            if length == 0 { break }
            var j = index + 1
            let end = index + 1 + length
            while j < end {
                let byte = key[j]
                if byte >= 0x41 && byte <= 0x5A { key[j] = byte | 0x20 }
                j += 1
            }
            index = end
        }
        return key
    }
}
