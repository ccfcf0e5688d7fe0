import Crypto
import Foundation
import Postgres

/// Column arrays for inserting one unbroken stretch of the chain with one statement. Every appending transaction
/// stamps all its events with one time, so the time is one value too.
struct EventRows {
    private(set) var firstPosition: Int64?
    private(set) var recordedAt: Int64?
    private(set) var firstPreviousHash: [UInt8] = []
    /// The events' hashes, 32 bytes each, in position order.
    private(set) var hashes: [UInt8] = []
    private(set) var count = 0
    var streamIDs: [String] = []
    var streamVersions: [Int32] = []
    var eventIDs: [UUID] = []
    var types: [String] = []
    var schemaVersions: [Int16] = []
    var data: [String] = []
    var metadata: [String] = []

    mutating func reserveCapacity(_ count: Int) {
        hashes.reserveCapacity(count * SHA256.digestCount)
        streamIDs.reserveCapacity(count)
        streamVersions.reserveCapacity(count)
        eventIDs.reserveCapacity(count)
        types.reserveCapacity(count)
        schemaVersions.reserveCapacity(count)
        data.reserveCapacity(count)
        metadata.reserveCapacity(count)
    }

    mutating func append(_ events: [RecordedEvent], texts: LogWriting.Texts) {
        for (event, dataText) in zip(events, texts.data) {
            if firstPosition == nil {
                firstPosition = event.position
                recordedAt = event.recordedAtMicroseconds
                firstPreviousHash = event.previousHash
            }
            precondition(
                event.position == firstPosition! + Int64(count) && event.recordedAtMicroseconds == recordedAt,
                "rows are one stretch of the chain with one time")
            count += 1
            hashes.append(contentsOf: event.hash)
            streamIDs.append(event.streamID.rawValue)
            streamVersions.append(Int32(event.streamVersion))
            eventIDs.append(event.id)
            types.append(event.type)
            schemaVersions.append(Int16(event.schemaVersion))
            data.append(dataText)
            metadata.append(texts.metadata)
        }
    }
}
