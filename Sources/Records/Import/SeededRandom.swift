/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64: a small, fast generator whose output depends only
/// on the seed, so a synthetic data set can be rebuilt bit for bit. Not for secrets. Bounded draws use our own
/// rejection method rather than the standard library's, whose algorithm may change between Swift releases.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var seeder = SplitMix64(state: seed)
        state = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform draw from `0 ..< bound` (Lemire's multiply-and-reject), `bound` > 0.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "a bounded draw needs a positive bound")
        let range = UInt64(bound)
        let threshold = (0 &- range) % range
        while true {
            let (high, low) = next().multipliedFullWidth(by: range)
            if low >= threshold { return Int(high) }
        }
    }

    /// A uniform draw from `range`.
    public mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    public mutating func element<Element>(of elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
