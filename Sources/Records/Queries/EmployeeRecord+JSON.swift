import CivilTime
import JSONText

extension EmployeeRecord {
    /// The record as the API writes it, members in sorted order: the one encoding of a record (`encode(to:)` writes
    /// the same value through an `Encoder`).
    public var json: OrderedJSONValue {
        .object([
            ("birth_date", .string(birthDate)), ("created_at", .string(ISO8601.string(from: createdAt))),
            ("disabled", .bool(disabled)), ("email", .string(email)), ("emp_no", .int(empNo)),
            ("first_name", .string(firstName)), ("gender", .string(gender)), ("hire_date", .string(hireDate)),
            ("last_name", .string(lastName)), ("updated_at", .string(ISO8601.string(from: updatedAt))),
            ("version", .int(version)),
        ])
    }
}

extension EmployeePage {
    /// `{"items": [...], "next_after": …}`; `next_after` is `null` on the last page, so clients can tell "no more"
    /// from "not supported".
    public var json: OrderedJSONValue {
        .object([("items", .array(items.map(\.json))), ("next_after", nextAfter.map { .int($0) } ?? .null)])
    }
}

extension EmployeeRecord: Encodable {
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
