import JSONText

/// A member value of an evidence line: the format uses strings, integers and null only. A string is a range of the
/// parser's scratch buffer, where its decoded bytes are.
enum EvidenceValue: Equatable {
    case string(Range<Int>)
    case integer(Int64)
    case null
}
