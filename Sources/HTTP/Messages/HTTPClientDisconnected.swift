/// Thrown by `HTTPBodyWriter.write` once the client has gone or the server is closing the connection.
public struct HTTPClientDisconnected: Error, Sendable {}
