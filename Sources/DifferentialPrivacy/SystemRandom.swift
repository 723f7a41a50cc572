#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system CSPRNG read 4 KiB at a time: the same bits as `SystemRandomNumberGenerator`
/// (the kernel's, read from /dev/urandom on Linux; arc4random_buf(3) on Apple platforms), without its system call for
/// every 64-bit word. A private release draws a few million words; one call per word cost a
/// third of a second of system time. The buffer holds bits not yet used and is zeroed as it is
/// consumed; a failed read falls back to `SystemRandomNumberGenerator` (which cannot fail).
public struct BufferedSystemRandom: RandomNumberGenerator {
    private var words = [UInt64](repeating: 0, count: 512)
    private var used = 512
    private var fallback = SystemRandomNumberGenerator()

    public init() {}

    public mutating func next() -> UInt64 {
        if used == words.count { refill() }
        let word = words[used]
        words[used] = 0
        used += 1
        return word
    }

    private mutating func refill() {
        let ok = words.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            #if canImport(Glibc)
            // /dev/urandom is the kernel's CSPRNG, the one getrandom(2) reads.
            let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, base + filled, buffer.count - filled)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                filled += n
            }
            return true
            #else
            arc4random_buf(base, buffer.count)
            return true
            #endif
        }
        if !ok { for i in words.indices { words[i] = fallback.next() } }
        used = 0
    }
}
