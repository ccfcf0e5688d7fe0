/// Limits of the login throttle (counted in PostgreSQL by `SharedLoginThrottle`, so every instance counts together).
/// Defaults: five free failures per (username, address), then an exponential delay
/// from 1 s doubling per further failure up to 15 min; twenty free failures per account across all addresses with
/// the same growth; failures forgotten after 15 quiet minutes.
public struct LoginThrottlePolicy: Sendable {
    public var freeFailuresPerAddress: Int
    public var freeFailuresPerAccount: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    public var forgetAfter: Duration

    public init(
        freeFailuresPerAddress: Int = 5, freeFailuresPerAccount: Int = 20, baseDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(15 * 60), forgetAfter: Duration = .seconds(15 * 60)
    ) {
        self.freeFailuresPerAddress = freeFailuresPerAddress
        self.freeFailuresPerAccount = freeFailuresPerAccount
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.forgetAfter = forgetAfter
    }
}

extension LoginThrottlePolicy {
    /// Seconds still to wait after `failures` failures, the last at `lastFailure` (seconds since 1970), when `free`
    /// failures cost nothing; zero or less means go ahead. One formula for this process's counters and for the
    /// counters the instances share in the database.
    public func remainingWait(failures: Int, lastFailure: Double, free: Int, at time: Double) -> Double {
        guard time - lastFailure <= Self.seconds(forgetAfter), failures >= free else { return 0 }
        let exponent = min(failures - free, 40)
        let delay = min(Self.seconds(baseDelay) * Double(1 << exponent), Self.seconds(maximumDelay))
        return lastFailure + delay - time
    }

    /// `forgetAfter` in seconds.
    public var forgetAfterSeconds: Double { Self.seconds(forgetAfter) }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
