import Foundation

/// Element types that can be bound as a one-dimensional array (`[String]` as `text[]`, `[Int]` as `int8[]`, …).
public protocol PostgresArrayElement: PostgresEncodable {}
