import EmployeesCLI
import Foundation

let status = await Entrypoint.run(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
