import Employees
import HTTP
import Records
import Security

package enum PrincipalKey: HTTPContextKey {
    package typealias Value = Principal
}
