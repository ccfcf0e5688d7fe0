import Foundation

/// Operator messages go to standard error, one line each.
public enum StandardError {
    @Sendable public static func write(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
