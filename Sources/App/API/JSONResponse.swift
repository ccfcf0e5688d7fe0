import CivilTime
import Employees
import Foundation
import HTTP
import Records

/// Encodes response bodies: keys in a stable order, dates as ISO 8601 strings.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(from: date))
        }
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) throws -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: Array(try encoder.encode(value)))
    }

    /// An employee record, the body of the hottest routes: written directly, since `JSONEncoder`'s boxing and key
    /// sorting cost about as much as the rest of a read. A test holds the bytes equal to the encoder's.
    static func make(_ record: EmployeeRecord, status: HTTPStatus = .ok, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: record.json.jsonBytes)
    }

    /// A page of search results, written directly like a record.
    static func make(_ page: EmployeePage) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: page.json.jsonBytes)
    }

    static func bytes(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }
}
