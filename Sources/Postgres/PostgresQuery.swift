import Foundation

/// A SQL statement and its bind parameters, written as a string literal with interpolations.
///
/// Every interpolated value becomes a parameter `$n`, so data can never change the statement's meaning:
/// `"SELECT * FROM users WHERE email = \(email)"` sends `... WHERE email = $1` and the email separately.
/// SQL text from a variable needs the explicit spelling `\(unsafeSQL: fragment)`; an identifier (a database or
/// channel name) can be quoted safely with `\(identifier: name)`.
/// `description` shows the SQL with its placeholders and never the values, so queries can be logged.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$1`, `$2`, … in place of the values.
    public private(set) var sql: String
    var bindings: PostgresBindings
    /// Planned for its actual values at every execution (an unnamed statement) instead of prepared once per
    /// connection. For statements whose best plan depends on the values, such as pattern searches: after a few
    /// executions PostgreSQL may settle on a generic plan, and for `name ILIKE $1` that plan cannot tell `'%'`
    /// (every row) from `'%nas%'` (a few hundred). Costs a planning per execution.
    public var plansEachExecution = false

    public init(stringLiteral value: String) {
        sql = value
        bindings = PostgresBindings()
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        bindings = stringInterpolation.bindings
    }

    /// A statement made from SQL text that is not a literal. The caller vouches that no input reached `sql`.
    public init(unsafeSQL sql: String) {
        self.sql = sql
        bindings = PostgresBindings()
    }

    /// The number of bind parameters.
    public var parameterCount: Int { bindings.count }

    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var bindings = PostgresBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds `value` as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// Binds `value` as the next parameter, `nil` as SQL NULL of the wrapped type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// Inserts SQL text as is. Only for fragments the program itself chose, never for input.
        public mutating func appendInterpolation(unsafeSQL fragment: String) {
            sql += fragment
        }

        /// Inserts a double-quoted identifier (`"my ""odd"" name"`), for names that cannot be parameters.
        public mutating func appendInterpolation(identifier: String) {
            sql += quotedIdentifier(identifier)
        }
    }
}

/// An identifier in double quotes with embedded quotes doubled. NUL cannot appear in an identifier and is dropped.
func quotedIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "\0", with: "") + "\""
}
