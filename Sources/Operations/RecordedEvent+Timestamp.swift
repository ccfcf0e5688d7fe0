import EventStore
import Foundation

extension RecordedEvent {
    /// RFC 3339 in UTC with the microseconds the log stores (the precision the hash chain covers).
    package var recordedAtText: String {
        let microseconds = recordedAtMicroseconds
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(fraction))
    }
}
