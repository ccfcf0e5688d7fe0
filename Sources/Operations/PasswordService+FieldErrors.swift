import Accounts
import Security

extension PasswordService {
    /// The policy's verdict, as field errors on `field`.
    package func violations(of password: String, email: String?, names: [String], field: String = "password")
        -> [HTTPFieldErrorText]
    {
        do {
            try policy.validate(password, context: PasswordContext(email: email, names: names))
            return []
        } catch {
            return [HTTPFieldErrorText(field: field, message: Self.message(for: error))]
        }
    }
}
