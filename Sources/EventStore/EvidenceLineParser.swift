import JSONText

/// A strict parser for the flat JSON objects of an export: no nesting, no fractions, no duplicate members. Reused from
/// line to line (its buffers keep their capacity), over the reader's buffer without copying the line: the verifier
/// parses every event of the log, so this is its hot loop.
struct EvidenceLineParser {
    /// Decoded member names and string values, one after the other.
    private(set) var scratch: [UInt8] = []
    private(set) var members: [(name: Range<Int>, value: EvidenceValue)] = []

    init() {
        scratch.reserveCapacity(4096)
        members.reserveCapacity(16)
    }

    /// Parses one line (without its newline).
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) throws(EvidenceLineError) {
        scratch.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
        var index = 0
        let end = line.count
        func skipSpace() {
            while index < end, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0D { index += 1 }
        }
        func expect(_ byte: UInt8) throws(EvidenceLineError) {
            skipSpace()
            guard index < end, line[index] == byte else {
                throw EvidenceLineError("expected '\(Character(Unicode.Scalar(byte)))' at column \(index + 1)")
            }
            index += 1
        }
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if index < end, line[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                let name = try string(line, at: &index)
                guard !members.contains(where: { scratch[$0.name] == scratch[name] }) else {
                    throw EvidenceLineError("member \"\(String(decoding: scratch[name], as: UTF8.self))\" appears twice")
                }
                try expect(UInt8(ascii: ":"))
                skipSpace()
                members.append((name, try value(line, at: &index)))
                skipSpace()
                guard index < end else { throw EvidenceLineError("unterminated object") }
                if line[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipSpace()
        guard index == end else { throw EvidenceLineError("text after the object") }
    }

    /// A JSON string starting at `line[index]`, decoded into `scratch`; returns its range there.
    private mutating func string(_ line: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(EvidenceLineError) -> Range<Int>
    {
        guard index < line.count, line[index] == UInt8(ascii: "\"") else { throw EvidenceLineError("expected a string") }
        index += 1
        let start = scratch.count
        var runStart = index
        while true {
            guard index < line.count else { throw EvidenceLineError("unterminated string") }
            let byte = line[index]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: line[runStart..<index]))
                index += 1
                return start..<scratch.count
            }
            if byte == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: line[runStart..<index]))
                guard index + 1 < line.count else { throw EvidenceLineError("unterminated string") }
                let escaped = line[index + 1]
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    scratch.append(escaped)
                    index += 2
                case UInt8(ascii: "n"):
                    scratch.append(0x0A)
                    index += 2
                default:
                    // The rare escapes (\b \f \r \t \uXXXX, surrogate pairs) go through the shared decoder, which
                    // reads at most twelve bytes.
                    let window = Array(UnsafeBufferPointer(rebasing: line[(index + 1)..<min(line.count, index + 13)]))
                    var consumed = 0
                    do {
                        try JSONStringLiteral.decodeEscape(in: window, at: &consumed, into: &scratch)
                    } catch {
                        throw EvidenceLineError("invalid escape in a string (\(error))")
                    }
                    index += 1 + consumed
                }
                runStart = index
                continue
            }
            guard byte >= 0x20 else { throw EvidenceLineError("control character in a string") }
            index += 1
        }
    }

    private mutating func value(_ line: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(EvidenceLineError)
        -> EvidenceValue
    {
        guard index < line.count else { throw EvidenceLineError("missing value") }
        let first = line[index]
        if first == UInt8(ascii: "\"") { return .string(try string(line, at: &index)) }
        if first == UInt8(ascii: "n"), line.count - index >= 4, line[index + 1] == UInt8(ascii: "u"),
            line[index + 2] == UInt8(ascii: "l"), line[index + 3] == UInt8(ascii: "l")
        {
            index += 4
            return .null
        }
        let negative = first == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var magnitude: Int64 = 0
        while index < line.count, (0x30...0x39).contains(line[index]) {
            let (times, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(Int64(line[index] - 0x30))
            guard !overflowA, !overflowB else { throw EvidenceLineError("integer out of range") }
            magnitude = sum
            index += 1
        }
        let count = index - digitsStart
        guard count > 0, count == 1 || line[digitsStart] != 0x30 else {
            throw EvidenceLineError("expected a string, an integer without leading zeros, or null")
        }
        if index < line.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(line[index]) {
            throw EvidenceLineError("numbers are integers in this format")
        }
        return .integer(negative ? -magnitude : magnitude)
    }

    // MARK: - Reading members

    func value(_ name: StaticString) -> EvidenceValue? {
        name.withUTF8Buffer { wanted in
            members.first { scratch[$0.name].elementsEqual(wanted) }?.value
        }
    }

    /// The decoded bytes of a string member (a range of `scratch`).
    func string(_ name: StaticString) throws(EvidenceLineError) -> Range<Int> {
        guard case .string(let range)? = value(name) else { throw EvidenceLineError("\"\(name)\" must be a string") }
        return range
    }

    func bytes(_ name: StaticString) throws(EvidenceLineError) -> ArraySlice<UInt8> {
        scratch[try string(name)]
    }

    func integer(_ name: StaticString) throws(EvidenceLineError) -> Int64 {
        guard case .integer(let number)? = value(name) else { throw EvidenceLineError("\"\(name)\" must be an integer") }
        return number
    }

    /// 32 bytes spelled as 64 lowercase hex digits.
    func hash(_ name: StaticString) throws(EvidenceLineError) -> [UInt8] {
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
        var index = text.lowerBound
        while text.count == 64, index < text.upperBound, let high = nibble(scratch[index]), let low = nibble(scratch[index + 1]) {
            bytes.append(high << 4 | low)
            index += 2
        }
        guard bytes.count == 32 else { throw EvidenceLineError("\"\(name)\" must be 64 lowercase hex digits") }
        return bytes
    }
}
