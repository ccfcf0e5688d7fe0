import CivilTime
import Foundation

/// JSON text bound as `jsonb` and read from `json`/`jsonb` columns. The text is passed through untouched: encoding and
/// decoding JSON is the caller's business, so this module needs no opinion on JSON coders.
public struct PostgresJSON: Hashable, Sendable {
    public let text: String
    public init(text: String) { self.text = text }
}
