import Employees
import HTTP
import Records
import Security

/// A request as a handler sees it: the HTTP request and the caller, if the route needs one.
package struct APIRequest: Sendable {
    package let http: HTTPRequest
    package let principal: Principal?

    package init(http: HTTPRequest, principal: Principal?) {
        self.http = http
        self.principal = principal
    }

    /// The caller; routes that are not public always have one.
    package var caller: Principal {
        get throws(HTTPError) {
            guard let principal else { throw HTTPError(.unauthorized) }
            return principal
        }
    }

    /// The `emp_no` path parameter: a positive integer that can name an employee, else a 400 naming the field.
    package func employeeNumber() throws(HTTPError) -> Int {
        guard let empNo = http.pathParameters.int("emp_no"), EmployeeNumber(empNo) != nil else {
            throw HTTPError(.badRequest, fieldErrors: [HTTPFieldError(field: "emp_no", message: "must be a positive integer")])
        }
        return empNo
    }

    /// The actor recorded on the events of a command made by this request.
    package func actor() throws(HTTPError) -> Actor {
        let caller = try caller
        let key = http.headers["Idempotency-Key"]
        return Actor(
            principal: caller.subject, scopes: caller.scopes.scopes.map(\.rawValue), requestID: http.requestID,
            idempotencyKey: key)
    }
}
