import Glibc

public enum HTTPLogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case debug, info, warning, error

    public static func < (lhs: HTTPLogLevel, rhs: HTTPLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// The smallest logging seam: the message is an autoclosure, so a line below the logger's level costs nothing to
/// not build. The app adapts it to whatever it logs with.
public protocol HTTPLogger: Sendable {
    func log(_ level: HTTPLogLevel, _ message: @autoclosure () -> String)
}

/// One line per message on standard error, written with a single `write` so lines from different threads never
/// interleave. Control characters in a message are replaced, so no input can forge a log line.
public struct StandardErrorLogger: HTTPLogger {
    public var minimumLevel: HTTPLogLevel

    public init(minimumLevel: HTTPLogLevel = .info) {
        self.minimumLevel = minimumLevel
    }

    public func log(_ level: HTTPLogLevel, _ message: @autoclosure () -> String) {
        guard level >= minimumLevel else { return }
        var line = Array("\(Self.timestamp()) \(level) ".utf8)
        for byte in message().utf8 {
            line.append(byte < 0x20 || byte == 0x7F ? UInt8(ascii: "?") : byte)
        }
        line.append(0x0A)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
