import AnonymousSummary
import Foundation
import SummaryChecks

/// `anonymous-summary-fuzz replay [--time-limit-ms N] [--memory-limit-mb N] [--no-large] DIR|FILE…`:
/// every file (and the large hostile inputs made on demand) through `InvariantCheck`, each
/// within a time bound, the process within a memory bound; one line per failure, then a total.
enum Replay {
    static func main(_ arguments: [String]) {
        var args = arguments
        if args.first == "write-large", args.count == 2 {
            for (name, bytes) in HostileInputs.all {
                _ = FileManager.default.createFile(atPath: args[1] + "/" + name, contents: Data(bytes))
            }
            print("wrote \(HostileInputs.all.count) large hostile inputs to \(args[1])")
            exit(0)
        }
        guard args.first == "replay" else {
            print("usage: anonymous-summary-fuzz replay [--time-limit-ms N] [--memory-limit-mb N] [--no-large] DIR|FILE…")
            exit(64)
        }
        args.removeFirst()
        var timeLimit = 2000, memoryLimit = 1024, large = true
        var paths: [String] = []
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--time-limit-ms": i += 1; timeLimit = i < args.count ? Int(args[i]) ?? timeLimit : timeLimit
            case "--memory-limit-mb": i += 1; memoryLimit = i < args.count ? Int(args[i]) ?? memoryLimit : memoryLimit
            case "--no-large": large = false
            default: paths.append(args[i])
            }
            i += 1
        }
        var inputs: [(String, () -> [UInt8]?)] = []
        for path in paths {
            for file in files(under: path) {
                inputs.append((file, { FileManager.default.contents(atPath: file).map { Array($0) } }))
            }
        }
        if large {
            for (name, _) in HostileInputs.all {
                inputs.append(("<generated> " + name, { HostileInputs.all.first { $0.name == name }?.bytes }))
            }
        }
        let clock = ContinuousClock()
        var failures = 0
        var slowest: (Duration, String) = (.zero, "")
        for (name, load) in inputs {
            guard let bytes = load() else {
                print("FAIL \(name): cannot be read")
                failures += 1
                continue
            }
            let start = clock.now
            let violations = InvariantCheck.check(bytes)
            let elapsed = clock.now - start
            if elapsed > slowest.0 { slowest = (elapsed, name) }
            for v in violations { print("FAIL \(name): \(v)") }
            if !violations.isEmpty { failures += 1 }
            if elapsed > .milliseconds(timeLimit) {
                print("FAIL \(name): took \(elapsed), more than \(timeLimit) ms")
                failures += 1
            }
            let peak = peakResidentMB()
            if peak > memoryLimit {
                print("FAIL \(name): peak resident memory \(peak) MB, more than \(memoryLimit) MB")
                failures += 1
                break
            }
        }
        print("replay: \(inputs.count) inputs, \(failures) failures; slowest \(slowest.0) (\(slowest.1)); peak resident memory \(peakResidentMB()) MB")
        exit(failures == 0 ? 0 : 1)
    }

    static func files(under path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
        guard isDirectory.boolValue else { return [path] }
        let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var dir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &dir) && !dir.boolValue
                && !$0.hasSuffix("README.md")
        }
    }

    /// VmHWM from /proc/self/status, in MB (0 where unavailable).
    static func peakResidentMB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(line.filter(\.isNumber)) ?? 0) / 1024
        }
        return 0
    }
}
