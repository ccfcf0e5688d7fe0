import Crypto
import Foundation

/// The log's single hash chain: each event's hash covers its content and the previous event's hash, so an altered,
/// removed or reordered event breaks every link after it.
public enum HashChain {
    /// `SHA-256(previousHash ‖ content)`; see docs/ARCHITECTURE.md, "The hash chain", for the content's layout.
    public static func hash(
        previousHash: [UInt8], position: Int64, streamID: StreamID, streamVersion: Int, eventID: UUID, type: String,
        schemaVersion: Int, dataText: String, metadataText: String, recordedAtMicroseconds: Int64
    ) -> [UInt8] {
        var content: [UInt8] = previousHash
        content.reserveCapacity(previousHash.count + dataText.utf8.count + metadataText.utf8.count + 160)
        for part in [
            String(position), streamID.rawValue, String(streamVersion), eventID.uuidString.lowercased(), type,
            String(schemaVersion), dataText, metadataText, String(recordedAtMicroseconds),
        ] {
            appendLengthPrefixed(part.utf8, to: &content)
        }
        return SHA256.hash(content)
    }

    /// Appends `part` preceded by its byte length as a big-endian u32: how every field enters a hash or a signature.
    static func appendLengthPrefixed(_ part: some Collection<UInt8>, to content: inout [UInt8]) {
        let length = UInt32(part.count)
        content.append(UInt8(truncatingIfNeeded: length >> 24))
        content.append(UInt8(truncatingIfNeeded: length >> 16))
        content.append(UInt8(truncatingIfNeeded: length >> 8))
        content.append(UInt8(truncatingIfNeeded: length))
        content.append(contentsOf: part)
    }

    /// Recomputes the hash of an event read back from the log.
    public static func hash(of event: RecordedEvent) throws(JSONValueError) -> [UInt8] {
        hash(
            previousHash: event.previousHash, position: event.position, streamID: event.streamID,
            streamVersion: event.streamVersion, eventID: event.id, type: event.type, schemaVersion: event.schemaVersion,
            dataText: try event.data.canonicalText(), metadataText: try event.metadata.canonicalText(),
            recordedAtMicroseconds: event.recordedAtMicroseconds)
    }
}
