import Foundation
import HTTP
import Security
import TestSupport
import XCTest

@testable import App
@testable import Records

/// The OpenAPI document is generated from the route table: it lists exactly the operations the router serves, with
/// the security each route declares.
final class OpenAPITests: XCTestCase {
    private var harness: ServiceHarness!

    override func setUp() async throws {
        harness = try await ServiceHarness.start()
    }

    override func tearDown() async throws {
        await harness?.stop()
    }

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
        for expected in ["GET /openapi.json", "GET /metrics", "GET /events/stream", "GET /employees/{emp_no}/history", "PATCH /employees/{emp_no}"] {
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
            if case .public = registered.route.access {} else {
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
            let names = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String }
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
        for name in ["EmployeeRecord", "EmployeeCreate", "EmployeePatch", "Problem", "TokenResponse", "LoggedEvent", "EventLogPage"] {
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
        let record = try await harness.client.json("GET", "/employees/\(admin)", token: try harness.token(for: admin, scopes: [.adminRead]))
        let recordSchema = try XCTUnwrap(schemas["EmployeeRecord"] as? [String: Any])
        XCTAssertEqual(Set(recordSchema["required"] as? [String] ?? []), Set(record.json.keys), "the schema matches a real record")
    }

    func testOpenAPIPathSpelling() {
        XCTAssertEqual(OpenAPIDocument.openAPIPath("/employees/{emp_no:int}/history"), "/employees/{emp_no}/history")
        XCTAssertEqual(OpenAPIDocument.openAPIPath("/a/{name}/{id:string}"), "/a/{name}/{id}")
        XCTAssertEqual(OpenAPIDocument.openAPIPath("/"), "/")
    }
}
