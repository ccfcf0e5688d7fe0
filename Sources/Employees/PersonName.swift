/// The rules both name parts share. Length counts Unicode scalars, as PostgreSQL's `varchar(n)` counts characters,
/// so a name accepted here always fits the column. Bidirectional controls are refused (a U+202E can make a name
/// read as another on screen), and so is a name with nothing visible in it. Names reach the domain in NFC (the
/// app normalizes its input; the domain has no Unicode tables for it), so one name typed twice compares equal.
enum PersonName {
    static func validated(_ raw: String, field: EmployeeField, maximumLength: Int) throws(FieldError) -> String {
        let trimmed = Text.trimmingWhiteSpace(raw)
        guard !trimmed.isEmpty else { throw FieldError(field, .empty) }
        guard !trimmed.unicodeScalars.contains(where: { Text.isForbiddenInText($0) || $0.properties.isBidiControl }) else {
            throw FieldError(field, .invalidCharacters)
        }
        guard trimmed.unicodeScalars.contains(where: Text.isVisible) else { throw FieldError(field, .noVisibleCharacter) }
        guard trimmed.unicodeScalars.count <= maximumLength else {
            throw FieldError(field, .tooLong(maximum: maximumLength))
        }
        return trimmed
    }
}
