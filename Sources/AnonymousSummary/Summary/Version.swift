/// The package's version, as in CHANGELOG.md: hosts can pin it and log it, and
/// `anonymous-summary --version` prints it.
public enum AnonymousSummaryVersion {
    public static let string = "0.3.0"
}
