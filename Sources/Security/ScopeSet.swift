/// A set of scopes as a bit set: copying, intersecting and checking cost a few instructions, which matters because
/// every request checks one.
///
/// A set keeps exactly the scopes it was given (what a token's `scope` claim says); `closure` adds everything they
/// imply, and `satisfies` always judges by the closure.
public struct ScopeSet: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    private var bits: UInt8

    private init(bits: UInt8) { self.bits = bits }

    /// The empty set.
    public static let empty = ScopeSet(bits: 0)

    /// A set holding `scopes`.
    public init(_ scopes: some Sequence<Scope>) {
        bits = scopes.reduce(0) { $0 | $1.bit }
    }

    public init(arrayLiteral scopes: Scope...) {
        self.init(scopes)
    }

    /// Parses an RFC 6749 §3.3 scope string: scope tokens separated by single spaces. Returns nil for unknown
    /// scopes, empty tokens (leading, trailing or doubled spaces) and any other whitespace. The empty string is
    /// the empty set.
    public init?(spaceDelimited text: some StringProtocol) {
        bits = 0
        guard !text.isEmpty else { return }
        for token in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let scope = Scope(rawValue: String(token)) else { return nil }
            bits |= scope.bit
        }
    }

    /// The scopes as an RFC 6749 scope string, in the fixed order of `Scope.allCases`.
    public var spaceDelimited: String {
        scopes.map(\.rawValue).joined(separator: " ")
    }

    public var description: String { spaceDelimited }

    /// The scopes held, in the order of `Scope.allCases`.
    public var scopes: [Scope] {
        Scope.allCases.filter { bits & $0.bit != 0 }
    }

    public var isEmpty: Bool { bits == 0 }

    /// Whether `scope` was given literally (ignoring implication).
    public func contains(_ scope: Scope) -> Bool { bits & scope.bit != 0 }

    /// This set plus every scope it implies, transitively.
    public var closure: ScopeSet {
        var result: UInt8 = 0
        for scope in Scope.allCases where bits & scope.bit != 0 {
            result |= Self.closureBits[scope.bit.trailingZeroBitCount]
        }
        return ScopeSet(bits: result)
    }

    /// Whether this set, with everything it implies, covers every scope in `required` (all-of semantics).
    public func satisfies(_ required: ScopeSet) -> Bool {
        closure.bits & required.bits == required.bits
    }

    /// Whether this set, with everything it implies, covers `required`.
    public func satisfies(_ required: Scope) -> Bool {
        satisfies(ScopeSet(bits: required.bit))
    }

    public func intersection(_ other: ScopeSet) -> ScopeSet { ScopeSet(bits: bits & other.bits) }

    public func union(_ other: ScopeSet) -> ScopeSet { ScopeSet(bits: bits | other.bits) }

    public func isSubset(of other: ScopeSet) -> Bool { bits & other.bits == bits }

    /// Per scope (indexed by bit position), the bits of its transitive closure, found by iterating the direct
    /// implication table to a fixed point.
    private static let closureBits: [UInt8] = {
        var table = [UInt8](repeating: 0, count: UInt8.bitWidth)
        for start in Scope.allCases {
            var reached = start.bit
            var changed = true
            while changed {
                changed = false
                for scope in Scope.allCases where reached & scope.bit != 0 {
                    for implied in scope.directlyImplies where reached & implied.bit == 0 {
                        reached |= implied.bit
                        changed = true
                    }
                }
            }
            table[start.bit.trailingZeroBitCount] = reached
        }
        return table
    }()
}
