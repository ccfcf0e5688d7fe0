import Employees
import Foundation

/// Splits one line into cells. A cell that starts with `"` runs to the next lone `"`, which must end the cell; `""`
/// inside it stands for one `"`. A `"` anywhere else makes the line malformed (nil). Works on UTF-8 bytes: `,` and
/// `"` never occur inside a multi-byte sequence.
public enum CSVLine {
    public static func cells(_ line: [UInt8]) -> [String]? {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        var cells: [String] = []
        var index = 0
        while true {
            var cell: [UInt8] = []
            if index < line.count, line[index] == quote {
                index += 1
                while true {
                    guard index < line.count else { return nil }
                    if line[index] == quote {
                        if index + 1 < line.count, line[index + 1] == quote {
                            cell.append(quote)
                            index += 2
                        } else {
                            index += 1
                            break
                        }
                    } else {
                        cell.append(line[index])
                        index += 1
                    }
                }
                guard index == line.count || line[index] == comma else { return nil }
            } else {
                while index < line.count, line[index] != comma {
                    guard line[index] != quote else { return nil }
                    cell.append(line[index])
                    index += 1
                }
            }
            cells.append(String(decoding: cell, as: UTF8.self))
            guard index < line.count else { return cells }
            index += 1
        }
    }
}
