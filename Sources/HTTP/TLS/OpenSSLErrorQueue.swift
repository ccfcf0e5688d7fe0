import CLibSSL

/// OpenSSL keeps its errors in a queue per thread. A failed call leaves entries there, and a later call's error
/// report would be confused by them, so every failure path empties it.
enum OpenSSLErrorQueue {
    /// The reasons of the queued errors, first one first, and an empty queue afterwards.
    static func drain() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !reasons.contains(text) { reasons.append(text) }
            } else {
                reasons.append("error \(code)")
            }
        }
        return reasons.joined(separator: "; ")
    }
}
