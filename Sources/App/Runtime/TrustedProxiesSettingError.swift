/// `EMPLOYEES_TRUSTED_PROXIES` holds something that is not an address or a CIDR network. Refused at start-up rather
/// than ignored: a proxy the service silently does not trust would put its own address on every log line and throttle.
public struct TrustedProxiesSettingError: Error, Sendable, CustomStringConvertible {
    public var description: String {
        "EMPLOYEES_TRUSTED_PROXIES must list IP addresses or CIDR networks (e.g. 127.0.0.1, 10.0.0.0/8), separated by commas"
    }
}
