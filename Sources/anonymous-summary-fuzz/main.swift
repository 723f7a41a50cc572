// The libFuzzer target (built by `Scripts/fuzz run` with -sanitize=fuzzer,address -DFUZZING)
// and, without the fuzzer, the replay driver (`anonymous-summary-fuzz replay DIR…`).
// Both check `InvariantCheck` on every input; a broken invariant aborts under the fuzzer, so
// libFuzzer records the input as a crash.
import AnonymousSummary
import Foundation
import SummaryChecks

/// `ANONYMOUS_SUMMARY_FUZZ=yaml` or `=payload` fuzzes one side only (`Scripts/fuzz run` and
/// `run-payload`); unset, every invariant is checked, as the replay does.
let fuzzTarget = ProcessInfo.processInfo.environment["ANONYMOUS_SUMMARY_FUZZ"] ?? "all"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let violations: [InvariantCheck.Violation]
    switch fuzzTarget {
    case "yaml": violations = InvariantCheck.checkYAML(bytes)
    case "payload": violations = InvariantCheck.checkPayloadLines(bytes)
    case "prio3": violations = InvariantCheck.checkPrio3Decoders(bytes)
    default: violations = InvariantCheck.check(bytes)
    }
    if !violations.isEmpty {
        FileHandle.standardError.write(Data(("invariant broken:\n" + violations.map { "  \($0)" }.joined(separator: "\n") + "\n").utf8))
        abort()
    }
    return 0
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ cb: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
#else
Replay.main(Array(CommandLine.arguments.dropFirst()))
#endif
