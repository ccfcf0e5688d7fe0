import CivilTime
import Foundation

/// 2000-01-01 counted in days from 1970-01-01.
let unixDaysAtPostgresEpoch = 10_957

/// 2000-01-01T00:00:00Z counted in seconds from 1970-01-01T00:00:00Z.
let unixSecondsAtPostgresEpoch: Double = 946_684_800
