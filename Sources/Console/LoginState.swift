/// The messages of the login page, chosen by its `?state=` parameter as in the original system (state 2 is
/// "Please log in to continue"). Only these texts can appear: the parameter selects, it never supplies words.
enum LoginState: Int {
    case incorrectCredentials = 1
    case pleaseLogIn = 2
    case loggedOut = 3
    case tooManyAttempts = 4

    var message: String {
        switch self {
        case .incorrectCredentials: "Incorrect username or password"
        case .pleaseLogIn: "Please log in to continue"
        case .loggedOut: "You have been logged out"
        case .tooManyAttempts: "Too many failed attempts. Please wait a minute and try again"
        }
    }

    var isError: Bool { self == .incorrectCredentials || self == .tooManyAttempts }

    var path: String { "/auth/login?state=\(rawValue)" }
}
