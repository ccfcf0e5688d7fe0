/// A seeded generator for test inputs (xorshift64*): a failing run prints its seed, and that seed replays the same
/// inputs. Not for anything secret.
struct TestRandom: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    /// A fresh seed each run unless `seed` is given (to replay a failure).
    init(seed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.seed = seed
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
