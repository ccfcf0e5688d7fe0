import Records

extension DatabaseRuntime {
    /// The database `configuration` names, opened and migrated (see `open(databaseURL:dataDirectory:log:)`).
    public static func open(_ configuration: ServiceConfiguration, log: (String) -> Void) throws -> DatabaseRuntime {
        try open(databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory, log: log)
    }
}
