import CLibSSL
import Synchronization

/// The keys that protect session tickets (stateless resumption, TLS 1.2 and 1.3), rotated on a schedule.
///
/// OpenSSL's own ticket key is made once per `SSL_CTX` and never changes, so a stolen key would open every ticket the
/// process ever issued. Here a new key is made (from OpenSSL's RAND_bytes) when the newest is older than `rotation`;
/// tickets are issued under the newest key only; a ticket under an older key is still accepted, and renewed, until
/// its key is `2 × rotation` old; then the key is forgotten. The keys outlive certificate reloads, so a new
/// certificate does not end resumption. Encryption and MAC are OpenSSL's (AES-256-CBC and HMAC-SHA256, RFC 5077).
final class TLSTicketKeys: Sendable {
    struct Key {
        let name: [UInt8]
        let cipherKey: [UInt8]
        let macKey: [UInt8]
        let created: UInt64
    }

    static let nameLength = 16
    let rotation: Duration
    private let keys = Mutex<[Key]>([])

    init(rotation: Duration) {
        self.rotation = rotation
    }

    /// The key to issue a ticket under, made now if the newest is too old.
    func current(now: UInt64 = MonotonicClock.now()) -> Key? {
        keys.withLock { keys in
            keys.removeAll { Self.age($0, now: now) >= 2 * rotation.nanoseconds }
            if let newest = keys.last, Self.age(newest, now: now) < rotation.nanoseconds { return newest }
            guard let key = Self.makeKey(now: now) else { return nil }
            keys.append(key)
            return key
        }
    }

    /// The key named in a presented ticket, and whether the ticket should be replaced by one under the newest key.
    func key(named name: UnsafePointer<UInt8>, now: UInt64 = MonotonicClock.now()) -> (key: Key, renew: Bool)? {
        keys.withLock { keys in
            guard
                let index = keys.firstIndex(where: { key in
                    Self.age(key, now: now) < 2 * rotation.nanoseconds
                        && key.name.withUnsafeBufferPointer { memcmp($0.baseAddress!, name, Self.nameLength) == 0 }
                })
            else { return nil }
            let isNewest = index == keys.count - 1 && Self.age(keys[index], now: now) < rotation.nanoseconds
            return (keys[index], !isNewest)
        }
    }

    /// Loops read the clock before they wait for the lock, so a key made by another loop meanwhile can look younger
    /// than zero: that is age 0, not an overflow.
    private static func age(_ key: Key, now: UInt64) -> UInt64 {
        now > key.created ? now - key.created : 0
    }

    private static func makeKey(now: UInt64) -> Key? {
        var bytes = [UInt8](repeating: 0, count: nameLength + 64)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            return nil
        }
        return Key(
            name: Array(bytes[0..<nameLength]), cipherKey: Array(bytes[nameLength..<(nameLength + 32)]),
            macKey: Array(bytes[(nameLength + 32)...]), created: now)
    }

    /// OpenSSL's ticket key callback: 1 = use this key, 2 = use it and issue a fresh ticket, 0 = unknown key (a full
    /// handshake follows), -1 = failure.
    static let callback:
        @convention(c) (
            OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, OpaquePointer?, OpaquePointer?,
            Int32
        ) -> Int32 = { ssl, name, iv, cipher, mac, encrypt in
            guard let ssl, let name, let iv, let context = SSL_get_SSL_CTX(ssl),
                let owner = cssl_ctx_get_app_data(context)
            else { return -1 }
            let ring = Unmanaged<TLSTicketKeys>.fromOpaque(owner).takeUnretainedValue()
            if encrypt == 1 {
                guard let key = ring.current(), RAND_bytes(iv, 16) == 1 else { return -1 }
                key.name.withUnsafeBufferPointer { name.update(from: $0.baseAddress!, count: TLSTicketKeys.nameLength) }
                return TLSTicketKeys.initialize(key, iv: iv, cipher: cipher, mac: mac, encrypt: true) ? 1 : -1
            }
            guard let (key, renew) = ring.key(named: name) else { return 0 }
            return TLSTicketKeys.initialize(key, iv: iv, cipher: cipher, mac: mac, encrypt: false) ? (renew ? 2 : 1) : -1
        }

    private static func initialize(
        _ key: Key, iv: UnsafeMutablePointer<UInt8>, cipher: OpaquePointer?, mac: OpaquePointer?, encrypt: Bool
    ) -> Bool {
        key.cipherKey.withUnsafeBufferPointer { cipherKey in
            key.macKey.withUnsafeBufferPointer { macKey in
                cssl_ticket_init(cipher, mac, cipherKey.baseAddress, macKey.baseAddress, iv, encrypt ? 1 : 0) == 1
            }
        }
    }
}
