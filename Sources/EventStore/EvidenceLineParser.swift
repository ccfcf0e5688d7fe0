import JSONText

/// A member value of an evidence line: the format uses strings, integers and null only.
enum EvidenceValue: Equatable {
    case string([UInt8])
    case integer(Int64)
    case null
}

/// One line of an export, parsed: a flat JSON object. Member names are short, so they stay inline in `String`.
struct EvidenceLine {
    var members: [(name: String, value: EvidenceValue)] = []

    func value(_ name: String) -> EvidenceValue? {
        members.first { $0.name == name }?.value
    }

    func string(_ name: String) throws(EvidenceLineError) -> [UInt8] {
        guard case .string(let bytes)? = value(name) else { throw EvidenceLineError("\"\(name)\" must be a string") }
        return bytes
    }

    func integer(_ name: String) throws(EvidenceLineError) -> Int64 {
        guard case .integer(let number)? = value(name) else { throw EvidenceLineError("\"\(name)\" must be an integer") }
        return number
    }

    /// 32 bytes spelled as 64 lowercase hex digits.
    func hash(_ name: String) throws(EvidenceLineError) -> [UInt8] {
        let text = try string(name)
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while text.count == 64, index < 64, let high = nibble(text[index]), let low = nibble(text[index + 1]) {
            bytes.append(high << 4 | low)
            index += 2
        }
        guard bytes.count == 32 else { throw EvidenceLineError("\"\(name)\" must be 64 lowercase hex digits") }
        return bytes
    }
}

/// Why a line is not a well-formed evidence record.
struct EvidenceLineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A strict parser for the flat JSON objects of an export: no nesting, no fractions, no duplicate members.
enum EvidenceLineParser {
    static func parse(_ bytes: [UInt8], _ range: Range<Int>) throws(EvidenceLineError) -> EvidenceLine {
        var index = range.lowerBound
        let end = range.upperBound
        var line = EvidenceLine()
        line.members.reserveCapacity(13)
        func skipSpace() {
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }
        func expect(_ byte: UInt8) throws(EvidenceLineError) {
            skipSpace()
            guard index < end, bytes[index] == byte else {
                throw EvidenceLineError("expected '\(Character(Unicode.Scalar(byte)))' at column \(index - range.lowerBound + 1)")
            }
            index += 1
        }
        func string() throws(EvidenceLineError) -> [UInt8] {
            try expect(UInt8(ascii: "\""))
            var output: [UInt8] = []
            var runStart = index
            while true {
                guard index < end else { throw EvidenceLineError("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    output.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    return output
                }
                if byte == UInt8(ascii: "\\") {
                    output.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    do {
                        try JSONStringLiteral.decodeEscape(in: bytes, at: &index, into: &output)
                    } catch {
                        throw EvidenceLineError("invalid escape in a string (\(error))")
                    }
                    guard index <= end else { throw EvidenceLineError("unterminated string") }
                    runStart = index
                    continue
                }
                guard byte >= 0x20 else { throw EvidenceLineError("control character in a string") }
                index += 1
            }
        }
        func value() throws(EvidenceLineError) -> EvidenceValue {
            skipSpace()
            guard index < end else { throw EvidenceLineError("missing value") }
            let first = bytes[index]
            if first == UInt8(ascii: "\"") { return .string(try string()) }
            if first == UInt8(ascii: "n"), end - index >= 4, bytes[index..<index + 4].elementsEqual("null".utf8) {
                index += 4
                return .null
            }
            let negative = first == UInt8(ascii: "-")
            if negative { index += 1 }
            let digitsStart = index
            var magnitude: Int64 = 0
            while index < end, (0x30...0x39).contains(bytes[index]) {
                let (times, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = times.addingReportingOverflow(Int64(bytes[index] - 0x30))
                guard !overflowA, !overflowB else { throw EvidenceLineError("integer out of range") }
                magnitude = sum
                index += 1
            }
            let count = index - digitsStart
            guard count > 0, count == 1 || bytes[digitsStart] != 0x30 else {
                throw EvidenceLineError("expected a string, an integer without leading zeros, or null")
            }
            if index < end, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
                throw EvidenceLineError("numbers are integers in this format")
            }
            return .integer(negative ? -magnitude : magnitude)
        }
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if index < end, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                let name = String(decoding: try string(), as: UTF8.self)
                guard line.value(name) == nil else { throw EvidenceLineError("member \"\(name)\" appears twice") }
                try expect(UInt8(ascii: ":"))
                line.members.append((name, try value()))
                skipSpace()
                guard index < end else { throw EvidenceLineError("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipSpace()
        guard index == end else { throw EvidenceLineError("text after the object") }
        return line
    }
}
