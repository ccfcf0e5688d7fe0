import EventStore
import Foundation
import Glibc
import Postgres
import Synchronization

/// The command line: seconds per mode, callers, pool connections and `sweep` (see main.swift).
struct Options {
    var seconds = 10.0
    var callers = 64
    var connections = 12
    var sweep = false

    init(_ arguments: [String]) {
        if arguments.count > 0, let value = Double(arguments[0]), value > 0 { seconds = value }
        if arguments.count > 1, let value = Int(arguments[1]), value > 0 { callers = value }
        if arguments.count > 2, let value = Int(arguments[2]), value > 0 { connections = value }
        sweep = arguments.count > 3 && arguments[3] == "sweep"
    }
}
