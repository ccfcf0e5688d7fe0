// The fuzz target of the HTTP parser, built by bench/fuzz-http with HTTP_FUZZING defined, testing enabled (the parser
// is internal) and libFuzzer linked. A normal build compiles only the notice below, so it never breaks `swift build`.
#if HTTP_FUZZING
    import Glibc
    @testable import HTTP

    /// Feeds one input through the parser whole and split in two at an input-derived point; the two must agree, and
    /// nothing may trap. Targets and bodies also go through the request-target, form and router code.
    func fuzzOne(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        let whole = outcomes(of: bytes, splitAt: nil)
        if !bytes.isEmpty {
            let split = Int(bytes[0]) % (bytes.count + 1)
            let pieces = outcomes(of: bytes, splitAt: split)
            if whole != pieces { fatalError("split at \(split) changed the outcome:\n\(whole)\n\(pieces)") }
        }
        _ = try? URLEncodedForm(parsing: bytes)
    }

    let limits = HTTPRequestParser.Limits(maxHeadBytes: 2048, maxURIBytes: 1024, maxBodyBytes: 4096, maxHeaderCount: 32)
    let router: Router<Int> = {
        var builder = RouterBuilder<Int>()
        try! builder.add(.GET, "/employees/{emp_no:int}", 1)
        try! builder.add(.GET, "/employees/me", 2)
        try! builder.add(.POST, "/employees/{emp_no:int}/{field}", 3)
        return builder.build()
    }()

    func outcomes(of bytes: [UInt8], splitAt split: Int?) -> [String] {
        var parser = HTTPRequestParser(limits: limits)
        var retained: [UInt8] = []
        var results: [String] = []
        let pieces = split.map { [Array(bytes[..<$0]), Array(bytes[$0...])] } ?? [bytes]
        for piece in pieces {
            retained += piece
            parsing: while true {
                let (consumed, event) = retained.withUnsafeBufferPointer { parser.parse($0) }
                precondition(consumed <= retained.count)
                retained.removeFirst(consumed)
                switch event {
                case .needMoreData:
                    break parsing
                case .continueExpected:
                    results.append("continue")
                case .request(let head, let body):
                    results.append(
                        "\(head.method) \(head.target) \(head.version) \(head.keepAlive) \(head.headers.count) \(body)")
                    if let request = try? HTTPRequest(method: head.method, target: head.target, body: body) {
                        _ = try? router.match(request.method, path: request.rawPath)
                    }
                case .failure(let error):
                    results.append("failure \(error.status.code)")
                    return results
                }
            }
        }
        return results
    }

    typealias FuzzerDriver =
        @convention(c) (
            UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
            @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
        ) -> Int32

    guard let driver = dlsym(nil, "LLVMFuzzerRunDriver") else {
        fatalError("libFuzzer is not linked: build with bench/fuzz-http")
    }
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(
        unsafeBitCast(driver, to: FuzzerDriver.self)(&argc, &argv) { data, size in
            fuzzOne(UnsafeBufferPointer(start: data, count: size))
            return 0
        })
#else
    print("HTTPFuzz does nothing in a normal build; run bench/fuzz-http [seconds].")
#endif
