/// Byte classes from RFC 9110 and RFC 9112, as used by the parser and by the response writer's validation.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// tchar: "!#$%&'*+-.^_`|~", digits and letters.
    static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        tokenTable[Int(byte)]
    }

    /// field-vchar or a space or tab: anything but control characters (obs-text is allowed).
    @inline(__always)
    static func isFieldValue(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == tab
    }

    static func isToken(_ string: String) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy(isToken)
    }

    static func isFieldValue(_ string: String) -> Bool {
        string.utf8.allSatisfy(isFieldValue)
    }

    /// Compares bytes with a lowercase ASCII literal, ignoring the case of the bytes.
    static func equalsLowercased(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in bytes {
            if lowercased(byte) != lowercase.utf8Start[index] { return false }
            index += 1
        }
        return true
    }
}
