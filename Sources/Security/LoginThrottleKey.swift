/// The form of a username the throttle's counters key on: one account, whatever the case it is typed in.
public enum LoginThrottleKey {
    public static func normalize(_ username: String) -> String {
        username.lowercased()
    }
}
