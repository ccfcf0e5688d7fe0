import Employees
import Foundation

/// Names and addresses are stored in Unicode NFC, so that one name typed twice (a precomposed "é" or an "e" with a
/// combining accent) is the same text in the log, the projection, search and uniqueness. The domain has no Unicode
/// tables to normalize with, so every path into it normalizes first: the command service for commands, the CSV
/// reader for imports.
public enum TextNormalization {
    public static func nfc(_ text: String?) -> String? {
        text?.precomposedStringWithCanonicalMapping
    }

    public static func normalized(_ fields: EmployeeFields) -> EmployeeFields {
        EmployeeFields(
            firstName: nfc(fields.firstName), lastName: nfc(fields.lastName), birthDate: fields.birthDate, gender: fields.gender,
            hireDate: fields.hireDate, email: nfc(fields.email))
    }

    public static func normalized(_ command: EmployeeCommand) -> EmployeeCommand {
        switch command {
        case .create(let empNo, let fields, let withPassword):
            .create(empNo, normalized(fields), withPassword: withPassword)
        case .update(let changes):
            .update(
                EmployeeChanges(
                    firstName: nfc(changes.firstName), lastName: nfc(changes.lastName), birthDate: changes.birthDate,
                    gender: changes.gender, hireDate: changes.hireDate))
        case .grantScope, .grantScopes, .revokeScope, .disable, .enable, .setPassword:
            command
        }
    }
}
