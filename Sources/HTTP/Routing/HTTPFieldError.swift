import JSONText

/// One invalid input field, rendered in a problem's `errors` member as `{"field": …, "message": …}`.
public struct HTTPFieldError: Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    var json: OrderedJSONValue {
        .object([(name: "field", value: .string(field)), (name: "message", value: .string(message))])
    }
}
