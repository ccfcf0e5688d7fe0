/// Regular expressions for ranges of ISO dates, so the OpenAPI document can state the domain's date bounds: ISO
/// `yyyy-mm-dd` strings of equal length order as their dates do, so a range of dates is a range of strings, which a
/// pattern spells digit by digit. Whether the day exists is left to `format: date` next to the pattern.
public enum OpenAPIDatePattern {
    /// A pattern (without anchors) matching the strings of `first`'s layout from `first` to `last`, both included.
    public static func range(_ first: String, _ last: String) -> String {
        precondition(first.count == last.count && first <= last, "a range of equal-length strings")
        return range(Array(first), Array(last))
    }

    private static func range(_ low: [Character], _ high: [Character]) -> String {
        guard let lowFirst = low.first, let highFirst = high.first else { return "" }
        if low.allSatisfy({ !$0.isNumber || $0 == "0" }), high.allSatisfy({ !$0.isNumber || $0 == "9" }) { return anything(low) }
        let lowRest = Array(low.dropFirst())
        let highRest = Array(high.dropFirst())
        if lowFirst == highFirst { return literal(lowFirst) + range(lowRest, highRest) }
        // Different leading digits: the low digit then at least the rest, the digits between then anything,
        // the high digit then at most the rest.
        var branches = [String(lowFirst) + range(lowRest, lowRest.map { $0.isNumber ? "9" : $0 })]
        if let lowDigit = lowFirst.wholeNumberValue, let highDigit = highFirst.wholeNumberValue, highDigit - lowDigit > 1 {
            branches.append(digits(lowDigit + 1, highDigit - 1) + anything(lowRest))
        }
        branches.append(String(highFirst) + range(highRest.map { $0.isNumber ? "0" : $0 }, highRest))
        return "(?:" + branches.joined(separator: "|") + ")"
    }

    private static func digits(_ low: Int, _ high: Int) -> String {
        low == high ? String(low) : "[\(low)-\(high)]"
    }

    private static func anything(_ layout: [Character]) -> String {
        layout.map { $0.isNumber ? "[0-9]" : literal($0) }.joined()
    }

    private static func literal(_ character: Character) -> String {
        character.isNumber || character.isLetter || character == "-" ? String(character) : "\\" + String(character)
    }
}
