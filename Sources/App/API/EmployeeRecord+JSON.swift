import CivilTime
import HTTP
import Records

extension EmployeeRecord {
    /// The members in sorted order, as the `Encodable` form gives them.
    var json: HTTP.JSONValue {
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
    var json: HTTP.JSONValue {
        .object([("items", .array(items.map(\.json))), ("next_after", nextAfter.map { .int($0) } ?? .null)])
    }
}
