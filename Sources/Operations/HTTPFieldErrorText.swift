/// A field error before it becomes an HTTP problem member.
package struct HTTPFieldErrorText: Sendable, Hashable {
    package let field: String
    package let message: String
}
