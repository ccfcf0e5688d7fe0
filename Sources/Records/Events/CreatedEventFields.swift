/// The text members of an `EmployeeCreated` event as stored: what the bulk and rebuild paths write into a row
/// without decoding the event through the domain again (its values were validated when it was made).
struct CreatedEventFields {
    let firstName: String
    let lastName: String
    let birthDate: String
    let gender: String
    let hireDate: String
    let email: String
}
