import Foundation
import HTTP
import Operations
import Records

/// The original system's response body, `{"status": {"code": 200, "text": "…"}, "data": …}`, so that its REST
/// clients keep parsing our answers. Unlike the original, `code` always equals the HTTP status of the response.
struct CompatibilityEnvelope<Payload: Encodable>: Encodable {
    struct Status: Encodable {
        let code: Int
        let text: String
    }

    let status: Status
    /// Absent from the body when nil, as in the original.
    let data: Payload?

    enum CodingKeys: String, CodingKey {
        case status, data
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(data, forKey: .data)
    }
}
