import Crypto
import Foundation

/// Random (version 4) event ids drawn from the CSPRNG 4 KiB at a time: `UUID()` reads the kernel's random source once
/// per id, which costs more than the rest of making an event.
public struct EventIDs {
    private var random: [UInt8] = []
    private var offset = 0

    public mutating func next() -> UUID {
        if offset == random.count {
            random = SecureRandom.bytes(count: 4096)
            offset = 0
        }
        var bytes = Array(random[offset..<offset + 16])
        offset += 16
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
