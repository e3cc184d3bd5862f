/// Where the plain mode writes: whole lines to its output (stdout: a screen reader's terminal, a
/// pipe, a test's transcript), and one-time secrets to the operator's own terminal only, as every
/// other edge shows them — never to the output, which may be redirected to a file or a log.
public protocol PlainOutput: AnyObject {
    /// One line (no newline in it).
    func line(_ text: String)
    /// Whether one-time secrets can be shown (there is a controlling terminal).
    var canShowSecrets: Bool { get }
    /// Shows one-time secrets on the controlling terminal; false when they could not be shown.
    func showSecrets(_ lines: [String]) -> Bool
}
