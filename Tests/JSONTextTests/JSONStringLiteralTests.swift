import JSONText
import XCTest

final class JSONStringLiteralTests: XCTestCase {
    private func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        JSONStringLiteral.appendQuoted(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func decode(_ escape: String) throws(JSONStringLiteral.EscapeError) -> (String, rest: Int) {
        let bytes = Array(escape.utf8)
        var index = 0
        var output: [UInt8] = []
        try JSONStringLiteral.decodeEscape(in: bytes, at: &index, into: &output)
        return (String(decoding: output, as: UTF8.self), bytes.count - index)
    }

    func testQuotingEscapesOnlyQuotesBackslashesAndControlCharacters() {
        XCTAssertEqual(quoted(#"say "hi" \ 1/2"#), #""say \"hi\" \\ 1/2""#)
        XCTAssertEqual(quoted("\u{8}\u{C}\n\r\t\u{0}\u{1F}"), #""\b\f\n\r\t\u0000\u001f""#)
        XCTAssertEqual(quoted("Zoë 日本 🎉\u{7F}"), "\"Zoë 日本 🎉\u{7F}\"", "non-ASCII and DEL pass through")
        XCTAssertEqual(quoted(""), #""""#)
    }

    func testEveryEscapeDecodesAndStopsAfterItself() throws {
        let cases: [(String, String)] = [
            (#""x"#, "\""), (#"\x"#, "\\"), ("/x", "/"), ("bx", "\u{8}"), ("fx", "\u{C}"), ("nx", "\n"), ("rx", "\r"),
            ("tx", "\t"), ("u00e9x", "é"), ("u00E9x", "é"), (#"ud83c\udf89x"#, "🎉"),
        ]
        for (escape, expected) in cases {
            let (decoded, rest) = try decode(escape)
            XCTAssertEqual(decoded, expected, escape)
            XCTAssertEqual(rest, 1, "\(escape): only the escape is consumed")
        }
    }

    func testBadEscapesSayWhatIsWrong() {
        let cases: [(String, JSONStringLiteral.EscapeError)] = [
            ("", .unterminated), ("u12", .shortUnicodeEscape), ("u12g4", .invalidUnicodeEscape),
            ("ud83c", .loneSurrogate), (#"ud83c\n"#, .loneSurrogate), (#"ud83c\u0041"#, .loneSurrogate),
            ("udf89", .loneSurrogate), ("x", .invalidEscape), ("'", .invalidEscape),
        ]
        for (escape, expected) in cases {
            XCTAssertThrowsError(try decode(escape), escape) {
                XCTAssertEqual($0 as? JSONStringLiteral.EscapeError, expected, escape)
            }
        }
    }

    func testQuotedTextDecodesBackToTheSameString() throws {
        let value = "a\"b\\c/d\u{1}e\u{8}f\u{C}g\nh\ri\tj 😀"
        let bytes = Array(quoted(value).utf8.dropFirst().dropLast())
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\\") {
                try JSONStringLiteral.decodeEscape(in: bytes, at: &index, into: &output)
            } else {
                output.append(byte)
            }
        }
        XCTAssertEqual(String(decoding: output, as: UTF8.self), value)
    }
}
