/// Calls `body` with a pointer that is never nil, even for empty input: some libcrypto entry points treat a NULL
/// buffer differently from an empty one (HMAC with a NULL key means "reuse the previous key").
@inline(__always)
func withNonNullBytes<Bytes: Collection<UInt8>, Result>(
    _ bytes: Bytes, _ body: (UnsafeRawPointer, Int) -> Result
) -> Result {
    let direct = bytes.withContiguousStorageIfAvailable { buffer -> Result in
        withNonNullBuffer(UnsafeRawBufferPointer(buffer), body)
    }
    if let direct { return direct }
    return Array(bytes).withUnsafeBytes { withNonNullBuffer($0, body) }
}

@inline(__always)
private func withNonNullBuffer<Result>(
    _ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawPointer, Int) -> Result
) -> Result {
    if let base = buffer.baseAddress, buffer.count > 0 {
        return body(base, buffer.count)
    }
    var placeholder: UInt8 = 0
    return withUnsafeBytes(of: &placeholder) { body($0.baseAddress!, 0) }
}
