/// The EDNS(0) information carried by an OPT pseudo-record (RFC 6891 §6.1).
public struct EDNS: Hashable, Sendable {
    /// One EDNS option: code and raw data (RFC 6891 §6.1.2).
    public struct Option: Hashable, Sendable {
        /// OPTION-CODE.
        public var code: UInt16
        /// OPTION-DATA.
        public var data: [UInt8]

        /// Creates an option.
        public init(code: UInt16, data: [UInt8]) {
            self.code = code
            self.data = data
        }
    }

    /// Requestor's UDP payload size in octets (the OPT CLASS field).
    public var udpPayloadSize: UInt16
    /// The upper 8 bits of the 12-bit extended RCODE (the OPT TTL's first octet).
    public var extendedRCode: UInt8
    /// The EDNS version (0 is the only one defined).
    public var version: UInt8
    /// DO: DNSSEC OK (RFC 3225).
    public var dnssecOK: Bool
    /// The remaining 15 flag bits (must be zero, echoed as zero).
    public var zFlags: UInt16
    /// Options in the order received.
    public var options: [Option]

    /// Creates EDNS information.
    public init(udpPayloadSize: UInt16 = 1232, extendedRCode: UInt8 = 0, version: UInt8 = 0, dnssecOK: Bool = false,
                zFlags: UInt16 = 0, options: [Option] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedRCode = extendedRCode
        self.version = version
        self.dnssecOK = dnssecOK
        self.zFlags = zFlags
        self.options = options
    }

    /// The OPT TTL field: extended RCODE, version, DO and Z (RFC 6891 §6.1.3).
    public var ttlField: UInt32 {
        UInt32(extendedRCode) << 24 | UInt32(version) << 16 | (dnssecOK ? 0x8000 : 0) | UInt32(zFlags & 0x7FFF)
    }

    /// Builds EDNS information from an OPT record's CLASS, TTL and RDATA.
    ///
    /// - Throws: `DNSCoreError.malformedMessage` when an option overruns the RDATA.
    public init(optClass: UInt16, ttl: UInt32, rdata: [UInt8]) throws {
        udpPayloadSize = optClass
        extendedRCode = UInt8(ttl >> 24)
        version = UInt8(truncatingIfNeeded: ttl >> 16)
        dnssecOK = ttl & 0x8000 != 0
        zFlags = UInt16(ttl & 0x7FFF)
        options = []
        var index = 0
        while index < rdata.count {
            guard index + 4 <= rdata.count else {
                throw DNSCoreError.malformedMessage(reason: "OPT option header truncated at RDATA offset \(index)")
            }
            let code = UInt16(rdata[index]) << 8 | UInt16(rdata[index + 1])
            let length = Int(rdata[index + 2]) << 8 | Int(rdata[index + 3])
            guard index + 4 + length <= rdata.count else {
                throw DNSCoreError.malformedMessage(reason: "OPT option \(code) length \(length) overruns RDATA")
            }
            options.append(Option(code: code, data: Array(rdata[(index + 4)..<(index + 4 + length)])))
            index += 4 + length
        }
    }

    /// Appends the OPT record: root owner, TYPE 41, CLASS = payload size, TTL = flags,
    /// RDATA = options (RFC 6891 §6.1.2).
    public func encode(into writer: inout WireWriter) {
        writer.writeUInt8(0)
        writer.writeUInt16(RRType.opt.rawValue)
        writer.writeUInt16(udpPayloadSize)
        writer.writeUInt32(ttlField)
        let rdlength = options.reduce(0) { $0 + 4 + $1.data.count }
        writer.writeUInt16(UInt16(truncatingIfNeeded: rdlength))
        for option in options {
            writer.writeUInt16(option.code)
            writer.writeUInt16(UInt16(truncatingIfNeeded: option.data.count))
            writer.writeBytes(option.data)
        }
    }
}
