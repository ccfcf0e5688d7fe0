internal import CZlib

/// Streaming gzip (RFC 1952) with the system's zlib, for `Content-Encoding: gzip` of long streamed bodies: each
/// `compress` returns what zlib has ready, `finish` the rest and the trailer. One encoder per response body, used from
/// one task only; its zlib state is freed in `deinit`.
public final class GzipEncoder {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private var finished = false

    /// `level` 1 (fastest) to 9 (smallest); the default favours throughput, since the bodies are long streams.
    public init(level: Int32 = 1) throws(GzipError) {
        // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError(code: status) }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `input`; returns whatever compressed bytes are ready (often none for small inputs).
    public func compress(_ input: [UInt8]) throws(GzipError) -> [UInt8] {
        try run(input, flush: Z_NO_FLUSH)
    }

    /// Ends the stream: the remaining compressed bytes and the gzip trailer.
    public func finish() throws(GzipError) -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return try run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) throws(GzipError) -> [UInt8] {
        var result: [UInt8] = []
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            repeat {
                output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    status = deflate(&stream, flush)
                    result.append(contentsOf: target[..<(target.count - Int(stream.avail_out))])
                }
            } while status == Z_OK && (stream.avail_out == 0 || flush == Z_FINISH)
            stream.next_in = nil
        }
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { throw GzipError(code: status) }
        return result
    }
}
