/// Paths the pages link to: same-origin and absolute, never protocol-relative (`//host`) or with a backslash
/// (which browsers read as `/`).
enum LocalPath {
    static func sanitized(_ path: String) -> String {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/"), !path.hasPrefix("//"), !bytes.contains(UInt8(ascii: "\\")) else { return "/" }
        return path
    }
}
