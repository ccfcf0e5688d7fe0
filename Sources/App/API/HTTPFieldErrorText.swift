/// A field error before it becomes an HTTP problem member.
struct HTTPFieldErrorText: Sendable, Hashable {
    let field: String
    let message: String
}
