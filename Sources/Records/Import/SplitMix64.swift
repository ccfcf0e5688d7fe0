/// SplitMix64 (Steele, Lea and Flood): spreads one 64-bit seed into the four words xoshiro needs, so that nearby
/// seeds still start far apart.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
