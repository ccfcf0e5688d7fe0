/// A field's value before and after a change.
public struct FieldChange<Value: Sendable & Hashable>: Sendable, Hashable {
    public var previous: Value
    public var new: Value

    public init(previous: Value, new: Value) {
        self.previous = previous
        self.new = new
    }
}
