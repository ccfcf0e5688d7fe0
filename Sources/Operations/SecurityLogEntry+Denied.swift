import Accounts
import Foundation
import HTTP

extension SecurityLog.Entry {
    /// An authorization denial of `request` on `route`.
    package static func denied(principal: String, route: String, reason: String, request: HTTPRequest) -> Self {
        Self(
            kind: "access_denied", principal: principal, attemptedUsername: nil, clientAddress: request.remoteAddress,
            reason: "\(reason):\(route)", requestID: request.requestID, recordedAt: Date())
    }
}
