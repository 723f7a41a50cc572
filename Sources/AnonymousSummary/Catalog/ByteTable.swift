/// A table from short byte strings (catalogue names and reserved keys) to numbers, looked up
/// by a key's bytes in the input without building a `String`. Open addressing, built once.
/// The walk uses it for keys, the report's reader for names in payloads.
public struct ByteTable: Sendable {
    private var keys: [[UInt8]] = []
    private var values: [Int] = []
    private var slots: [Int32] = [Int32](repeating: -1, count: 8)

    public init(_ entries: [(String, Int)]) {
        var capacity = 8
        while capacity < entries.count * 3 { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            if let existing = index(of: bytes) {
                values[existing] = value
                continue
            }
            keys.append(bytes)
            values.append(value)
            var i = bytes.withUnsafeBufferPointer { ByteTable.hash($0) } & (capacity - 1)
            while slots[i] >= 0 { i = (i + 1) & (capacity - 1) }
            slots[i] = Int32(keys.count - 1)
        }
    }

    private func index(of bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { find($0) }
    }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var i = ByteTable.hash(bytes) & mask
        while true {
            let k = Int(slots[i])
            if k < 0 { return nil }
            if keys[k].elementsEqual(bytes) { return k }
            i = (i + 1) & mask
        }
    }

    /// The number stored for `bytes`, or nil.
    public func value(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        find(bytes).map { values[$0] }
    }

    /// FNV-1a.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29)) & Int.max
    }
}
