import LocalPrivacy
import DifferentialPrivacy
import Primitives
/// Splits a stream of bytes, given in chunks of any size, into lines, holding at most
/// `maxLineLength` bytes of a line at a time: a longer line is reported as too long and its
/// bytes are dropped as they arrive, so memory does not grow with the input.
///
/// A line is the bytes before a `\n` (which is not part of it); the last line of a stream
/// need not end with one. A `\r` before the `\n` stays in the line (JSON reads it as space).
public struct LineSplitter: Sendable {
    /// One line: its bytes, valid only during the callback, or the fact that it was too long.
    public enum Line {
        case bytes(UnsafeBufferPointer<UInt8>)
        case tooLong
    }

    public let maxLineLength: Int
    private var pending: [UInt8] = []
    private var skipping = false
    private var sawBytes = false

    public init(maxLineLength: Int = PayloadReader.maxLineLength) {
        self.maxLineLength = maxLineLength
    }

    /// Feeds the next chunk; `body` is called for every line the chunk completes.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (Line) -> Void) {
        var start = 0
        let count = chunk.count
        while start < count {
            guard let newline = chunk[start..<count].firstIndex(of: 0x0A) else {
                // No end of line in the rest of the chunk: keep it, unless the line is too long.
                append(UnsafeBufferPointer(rebasing: chunk[start..<count]))
                return
            }
            if skipping {
                body(.tooLong)
            } else if pending.isEmpty && !sawBytes {
                let line = UnsafeBufferPointer(rebasing: chunk[start..<newline])
                body(line.count > maxLineLength ? .tooLong : .bytes(line))
            } else {
                append(UnsafeBufferPointer(rebasing: chunk[start..<newline]))
                if skipping {
                    body(.tooLong)
                } else {
                    pending.withUnsafeBufferPointer { body(.bytes($0)) }
                }
            }
            pending.removeAll(keepingCapacity: true)
            skipping = false
            sawBytes = false
            start = newline + 1
        }
    }

    /// Ends the stream: a last line without a `\n` is reported.
    public mutating func finish(_ body: (Line) -> Void) {
        if skipping {
            body(.tooLong)
        } else if sawBytes {
            pending.withUnsafeBufferPointer { body(.bytes($0)) }
        }
        pending.removeAll()
        skipping = false
        sawBytes = false
    }

    private mutating func append(_ part: UnsafeBufferPointer<UInt8>) {
        guard !part.isEmpty else { return }
        sawBytes = true
        guard !skipping else { return }
        if pending.count + part.count > maxLineLength {
            skipping = true
            pending.removeAll(keepingCapacity: true)
        } else {
            pending.append(contentsOf: part)
        }
    }
}
