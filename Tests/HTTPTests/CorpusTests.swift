import Foundation
import XCTest

@testable import HTTP

/// Replays the inputs kept from fuzzing (and the seeds it started from): each must parse to the same outcome whole,
/// split at every point, and byte by byte, without trapping.
final class CorpusTests: XCTestCase {
    func testCorpusReplays() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Corpus", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent != "README" }
        XCTAssertGreaterThan(files.count, 3)
        let limits = HTTPRequestParser.Limits(
            maxHeadBytes: 2048, maxURIBytes: 1024, maxBodyBytes: 4096, maxHeaderCount: 32)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            let whole = parseOutcomes(bytes, limits: limits)
            for split in stride(from: 0, through: bytes.count, by: max(1, bytes.count / 64)) {
                XCTAssertEqual(
                    parseOutcomes(bytes, pieces: [split], limits: limits), whole,
                    "\(file.lastPathComponent) at \(split)")
            }
            XCTAssertEqual(
                parseOutcomes(bytes, pieces: Array(0...bytes.count), limits: limits), whole, file.lastPathComponent)
            _ = try? URLEncodedForm(parsing: bytes)
        }
    }
}
