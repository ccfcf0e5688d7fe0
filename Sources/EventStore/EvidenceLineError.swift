import JSONText

/// Why a line is not a well-formed evidence record.
struct EvidenceLineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
