import Foundation
import HTTP
import OpenAPI
import Security
import TestSupport
import XCTest

@testable import App
@testable import Records

/// The OpenAPI document is generated from the route table: it lists exactly the operations the router serves, with
/// the security each route declares.
final class OpenAPITests: ServiceTestCase {
    private func document() async throws -> [String: Any] {
        let response = try await harness.client.send("GET", "/openapi.json")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "application/json")
        return response.json
    }

    private func operations(_ document: [String: Any]) -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for (method, operation) in item {
                result["\(method.uppercased()) \(path)"] = operation as? [String: Any]
            }
        }
        return result
    }

    func testTheRouterAndTheDocumentListExactlyTheSameOperations() async throws {
        let document = try await document()
        XCTAssertEqual(document["openapi"] as? String, "3.1.0")
        let documented = Set(operations(document).keys)
        let router = try APIRoutes.table(context: harness.service.context, keys: harness.service.keys).build()
        let served = Set(router.entries.map { "\($0.method.rawValue) \(OpenAPIDocument.openAPIPath($0.pattern))" })
        XCTAssertEqual(documented, served)
        XCTAssertEqual(router.entries.count, harness.service.routes.count)
        for expected in [
            "GET /openapi.json", "GET /metrics", "GET /events/stream", "GET /employees/{emp_no}/history",
            "PATCH /employees/{emp_no}",
        ] {
            XCTAssertTrue(documented.contains(expected), expected)
        }
        let ids = operations(document).values.compactMap { $0["operationId"] as? String }
        XCTAssertEqual(ids.count, Set(ids).count, "operation ids are unique")
        XCTAssertEqual(Set(ids), Set(harness.service.routes.map(\.route.operationID)).union(["getOpenAPI"]))
    }

    func testSecurityFollowsEachRoutesAccessDeclaration() async throws {
        let operations = operations(try await document())
        for registered in harness.service.routes {
            let key = "\(registered.method.rawValue) \(OpenAPIDocument.openAPIPath(registered.pattern))"
            let security = try XCTUnwrap(operations[key]?["security"] as? [[String: [String]]], key)
            let responses = operations[key]?["responses"] as? [String: Any] ?? [:]
            switch registered.route.access {
            case .public:
                XCTAssertEqual(security, [], key)
                XCTAssertNil(responses["401"], key)
            case .authenticated:
                XCTAssertEqual(security, [["oauth2": []]], key)
            case .scopes(let scopes), .ownRecordOnly(let scopes):
                XCTAssertEqual(security, [["oauth2": scopes.scopes.map(\.rawValue)]], key)
            case .ownRecordOr(let own, let any):
                XCTAssertEqual(security, [["oauth2": own.scopes.map(\.rawValue)], ["oauth2": any.scopes.map(\.rawValue)]], key)
            }
            if case .public = registered.route.access {
            } else {
                XCTAssertNotNil(responses["401"], key)
                XCTAssertNotNil(responses["403"], key)
            }
        }
        XCTAssertEqual(operations["GET /events"]?["security"] as? [[String: [String]]], [["oauth2": ["audit:read"]]])
        XCTAssertEqual(operations["GET /metrics"]?["security"] as? [[String: [String]]], [])
    }

    func testPathParametersAreTypedAndTheOAuth2PasswordFlowListsEveryScope() async throws {
        let document = try await document()
        let operations = operations(document)
        let read = try XCTUnwrap(operations["GET /employees/{emp_no}"])
        let parameters = try XCTUnwrap(read["parameters"] as? [[String: Any]])
        let empNo = try XCTUnwrap(parameters.first { $0["name"] as? String == "emp_no" })
        XCTAssertEqual(empNo["in"] as? String, "path")
        XCTAssertEqual(empNo["required"] as? Bool, true)
        XCTAssertEqual((empNo["schema"] as? [String: Any])?["type"] as? String, "integer")
        for (key, operation) in operations where key.contains("{") {
            let names = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }.compactMap {
                $0["name"] as? String
            }
            XCTAssertFalse(names.isEmpty, "\(key) declares its path parameters")
        }

        let components = try XCTUnwrap(document["components"] as? [String: Any])
        let schemes = try XCTUnwrap(components["securitySchemes"] as? [String: Any])
        let oauth = try XCTUnwrap(schemes["oauth2"] as? [String: Any])
        XCTAssertEqual(oauth["type"] as? String, "oauth2")
        let password = try XCTUnwrap((oauth["flows"] as? [String: Any])?["password"] as? [String: Any])
        XCTAssertEqual(password["tokenUrl"] as? String, "/auth/token")
        let scopes = try XCTUnwrap(password["scopes"] as? [String: String])
        XCTAssertEqual(Set(scopes.keys), Set(Scope.allCases.map(\.rawValue)))
        XCTAssertTrue(scopes.values.allSatisfy { !$0.isEmpty })
    }

    func testSchemasCoverTheMainOperationsAndEveryReferenceResolves() async throws {
        let response = try await harness.client.send("GET", "/openapi.json")
        let document = response.json
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for name in [
            "EmployeeRecord", "EmployeeCreate", "EmployeePatch", "Problem", "TokenResponse", "LoggedEvent", "EventLogPage",
        ] {
            XCTAssertNotNil(schemas[name], name)
        }
        let references = response.text.matches(of: /"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.output.1) }
        XCTAssertFalse(references.isEmpty)
        for reference in Set(references) { XCTAssertNotNil(schemas[reference], "dangling $ref \(reference)") }

        let operations = operations(document)
        let create = try XCTUnwrap(operations["POST /employees"])
        let body = (create["requestBody"] as? [String: Any])?["content"] as? [String: Any]
        XCTAssertNotNil(body?["application/json"])
        let created = (create["responses"] as? [String: Any])?["201"] as? [String: Any]
        XCTAssertNotNil(created)

        let admin = try await harness.makeEmployee(email: "admin@example.com", scopes: [.adminRead])
        let record = try await harness.client.json(
            "GET", "/employees/\(admin)", token: try harness.token(for: admin, scopes: [.adminRead]))
        let recordSchema = try XCTUnwrap(schemas["EmployeeRecord"] as? [String: Any])
        XCTAssertEqual(
            Set(recordSchema["required"] as? [String] ?? []), Set(record.json.keys), "the schema matches a real record")
    }

    /// The document is as strict as the API: bodies with their media types, bounded integers, patterns.
    func testRequestBodiesAndBoundsMatchWhatTheAPIAccepts() async throws {
        let operations = operations(try await document())
        func body(_ key: String) -> [String: Any]? {
            (operations[key]?["requestBody"] as? [String: Any])?["content"] as? [String: Any]
        }
        for key in ["POST /auth/token", "POST /api/login", "POST /auth/revoke", "POST /emp/admin-save", "POST /emp/user-save"] {
            XCTAssertNotNil(body(key)?["application/x-www-form-urlencoded"], key)
        }
        for key in [
            "POST /employees", "PATCH /employees/{emp_no}", "POST /employees/{emp_no}/scopes", "PUT /employees/{emp_no}/password",
        ] {
            XCTAssertNotNil(body(key)?["application/json"], key)
        }
        let events = try XCTUnwrap(operations["GET /events"]?["parameters"] as? [[String: Any]])
        let after = try XCTUnwrap(events.first { $0["name"] as? String == "after" }?["schema"] as? [String: Any])
        XCTAssertEqual((after["maximum"] as? NSNumber)?.int64Value, Int64.max)
        let password = try XCTUnwrap(
            (((body("PUT /employees/{emp_no}/password")?["application/json"] as? [String: Any])?["schema"] as? [String: Any])?[
                "properties"] as? [String: Any])?["new_password"] as? [String: Any])
        XCTAssertEqual(password["minLength"] as? Int, 15)
        XCTAssertEqual(password["maxLength"] as? Int, 256)
        let search = try XCTUnwrap(operations["GET /emp/search/{last_name}/{first_name}"]?["parameters"] as? [[String: Any]])
        let pattern = try XCTUnwrap((search.first?["schema"] as? [String: Any])?["pattern"] as? String)
        for accepted in ["ab%", "%nas%", "%An", "%", "%A%", "a%b%c", "%4", "%AG"] {
            XCTAssertNotNil(accepted.range(of: pattern, options: .regularExpression), accepted)
        }
        for refused in ["abc", "%41", "%%4f", "a%b/c", "x%A%ff"] {
            XCTAssertNil(refused.range(of: pattern, options: .regularExpression), refused)
        }
        let patch = try XCTUnwrap(operations["PATCH /employees/{emp_no}"]?["parameters"] as? [[String: Any]])
        let ifMatch = try XCTUnwrap(patch.first { $0["name"] as? String == "If-Match" }?["schema"] as? [String: Any])
        let etag = try XCTUnwrap(ifMatch["pattern"] as? String)
        XCTAssertNotNil(#""3""#.range(of: etag, options: .regularExpression))
        XCTAssertNil(#"W/"3""#.range(of: etag, options: .regularExpression))
    }

    func testDatePatternsMatchExactlyTheRange() throws {
        let pattern = "^" + OpenAPIDatePattern.range("1900-01-02", "2027-12-04") + "$"
        let regex = try NSRegularExpression(pattern: pattern)
        func matches(_ text: String) -> Bool {
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        for inside in ["1900-01-02", "1900-01-10", "1955-06-30", "1999-12-31", "2027-11-30", "2027-12-04"] {
            XCTAssertTrue(matches(inside), inside)
        }
        for outside in ["1899-12-31", "1900-01-01", "2027-12-05", "2028-01-01", "9999-12-31", "0001-01-01"] {
            XCTAssertFalse(matches(outside), outside)
        }
    }

    func testOpenAPIPathSpelling() {
        XCTAssertEqual(OpenAPIDocument.openAPIPath("/employees/{emp_no:int}/history"), "/employees/{emp_no}/history")
        XCTAssertEqual(OpenAPIDocument.openAPIPath("/a/{name}/{id:string}"), "/a/{name}/{id}")
        XCTAssertEqual(OpenAPIDocument.openAPIPath("/"), "/")
    }
}
