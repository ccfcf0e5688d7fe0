/// How the console is deployed.
package struct ConsoleSettings: Sendable {
    /// Whether the session cookie carries `Secure`: set when the service is reached over TLS
    /// (`EMPLOYEES_SECURE_COOKIES=1`), so the browser never sends the token in clear.
    let secureCookie: Bool

    package init(secureCookie: Bool) {
        self.secureCookie = secureCookie
    }
}
