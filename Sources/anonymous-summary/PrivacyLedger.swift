import AnonymousSummary
import LocalPrivacy
import DifferentialPrivacy
import Primitives
import Foundation
import UsageReport
import CommandLineSupport

/// An input of a release, as the ledger records it (so that an auditor can tell which data was
/// released): its name, SHA-256 and size.
struct LedgerInput {
    var name: String
    var digest: [UInt8]
    var size: Int

    init(name: String, digest: [UInt8], size: Int) {
        self.name = name
        self.digest = digest
        self.size = size
    }

    init(name: String, bytes: [UInt8]) {
        self.init(name: name, digest: SHA256.hash(bytes), size: bytes.count)
    }

    /// The release line's note: the time and each input.
    static func note(_ inputs: [LedgerInput]) -> String {
        "at=" + ISO8601DateFormatter().string(from: Date()) + inputs.map {
            " input=\(CLI.hex($0.digest)):\($0.size):\($0.name.unicodeScalars.map { $0.value < 0x21 || $0.value == 0x7F ? "_" : String($0) }.joined())"
        }.joined()
    }
}

/// The privacy ledger of `report` (`--ledger`, on by default): `PrivacyLedger` (DifferentialPrivacy)
/// kept in a file. Any name of the file (a symbolic or hard link) reaches the same inode, which is
/// locked (flock) from reading to the end of the write, and written in place: two names never
/// hold two ledgers, and two releases at once are charged one after the other.
struct FileLedgerStore: PrivacyLedgerStore {
    let path: String

    /// The ledger beside the collection: in the directory read, or the one that holds the files
    /// read (all in one directory); nil for standard input, which has no place.
    static func defaultPath(for operands: [String]) throws(CLIFailure) -> String? {
        var directories = Set<String>()
        var first: String?
        for operand in operands {
            if operand == "-" { return nil }
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: operand, isDirectory: &isDirectory)
            var directory = isDirectory.boolValue ? operand : (operand as NSString).deletingLastPathComponent
            if directory.isEmpty { directory = "." }
            let resolved = (directory as NSString).resolvingSymlinksInPath
            var real = resolved
            if let pointer = realpath(resolved, nil) {
                real = String(cString: pointer)
                free(pointer)
            }
            if first == nil { first = directory }
            directories.insert(real)
        }
        guard directories.count <= 1 else {
            throw CLIFailure(code: .usage, message: "report: the payload files are in \(directories.count) directories, so no one ledger stands beside them: "
                             + "give --ledger FILE (the ledger of this collection), or --no-ledger")
        }
        guard let first, let real = directories.first else { return nil }
        // An existing ledger in the directory or any directory above it is the collection's
        // (collection/anonymous-summary.ledger serves collection/2026-11/ and collection/2026-12/);
        // with none, a new one is made in the directory read.
        var ancestor = real
        while true {
            let candidate = (ancestor as NSString).appendingPathComponent(ledgerName)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = (ancestor as NSString).deletingLastPathComponent
            if parent == ancestor || parent.isEmpty { break }
            ancestor = parent
        }
        return (first as NSString).appendingPathComponent(ledgerName)
    }

    static let ledgerName = "anonymous-summary.ledger"

    func update<R>(_ body: ([UInt8]?) throws(PrivacyLedgerError) -> (bytes: [UInt8]?, result: R)) throws(PrivacyLedgerError) -> R {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .store("\(path): the ledger cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw .store("\(path): the ledger cannot be locked (\(String(cString: strerror(errno))))") }
        }
        defer { flock(fd, LOCK_UN) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw .store("\(path): not a regular file, so not a ledger")
        }
        guard info.st_size <= 1 << 30 else { throw .unreadable("over 1 GiB") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .store("\(path): the ledger cannot be read") }
            done += n
        }
        let stored = try bytes.isEmpty ? nil : Self.migrated(bytes)
        let (new, result) = try body(stored)
        if let new {
            // Written over the old bytes from the start, then cut to length: a write cut short
            // leaves the old ledger, or a mix of new and old lines whose closing count does not
            // match, which is refused (never an empty file, which would read as no spend).
            var written = 0
            while written < new.count {
                let n = new.withUnsafeBytes { pwrite(fd, $0.baseAddress! + written, $0.count - written, off_t(written)) }
                if n < 0 && errno == EINTR { continue }
                // A write cut short leaves a ledger that is refused (its closing count is missing),
                // never one that reads as less spent.
                guard n > 0 else { throw .store("\(path): the ledger could not be written whole; it will be refused until restored") }
                written += n
            }
            guard ftruncate(fd, off_t(new.count)) == 0, fsync(fd) == 0 else {
                throw .store("\(path): the ledger could not be written whole and synced (nothing was released); it is refused until restored")
            }
            if bytes.isEmpty {
                // A new ledger: make its directory entry durable too.
                let directory = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
                if directory >= 0 { _ = fsync(directory); close(directory) }
            }
        }
        return result
    }

    /// A version 1 ledger (JSON, one total for the whole collection) becomes a version 2 one
    /// whose total is charged to every instance: nothing it recorded is lost or lessened.
    static func migrated(_ bytes: [UInt8]) throws(PrivacyLedgerError) -> [UInt8] {
        guard bytes.first == UInt8(ascii: "{") else { return bytes }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              object["ledger"] as? String == "anonymous-summary privacy ledger", object["version"] as? Int == 1,
              let releases = object["releases"] as? [[String: Any]],
              let delta = (object["delta"] as? NSNumber)?.doubleValue, delta.isFinite, delta > 0, delta < 0.01,
              let cap = (object["budget_epsilon"] as? NSNumber)?.doubleValue, cap.isFinite, cap > 0 else {
            throw .unreadable("JSON, but not a version 1 ledger")
        }
        let rhos = releases.map { ($0["rho"] as? NSNumber)?.doubleValue ?? .nan }
        guard rhos.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw .unreadable("a version 1 release without a valid ρ") }
        let ledger = PrivacyLedger(migratingTotal: rhos.reduce(0, +), releases: releases.count, delta: delta, budgetEpsilon: cap)
        return ledger.bytes
    }
}
