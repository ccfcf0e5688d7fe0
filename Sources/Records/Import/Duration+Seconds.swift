extension Duration {
    /// The duration in seconds, for rates and progress lines.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
