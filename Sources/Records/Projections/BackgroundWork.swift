import Dispatch

/// A value computed on a Dispatch thread while the caller goes on; `result()` waits for it.
///
/// `@unchecked Sendable`, and why that is safe: `value` is written once by the worker before it signals `done`, and
/// read by the caller only after waiting for that signal (the semaphore orders the write before the read).
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async {
            self.value = work()
            self.done.signal()
        }
    }

    public func result() -> Value {
        done.wait()
        return value!
    }
}
