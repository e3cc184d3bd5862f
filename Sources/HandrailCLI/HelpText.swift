/// The text of `--help`. Kept in one place so the README can quote it verbatim.
enum HelpText {
    static let main = """
    handrail: a runbook wizard for restoring MFA access at the help desk without
    handing the account to a social engineer.

    Usage:
      handrail runbook list                 the runbooks available
      handrail runbook show ID              a runbook as a person reads it: steps, fields, gates, where each leads
      handrail runbook check FILE...        validate runbook files; every problem with line:column and JSON path

    Options:
      --runbooks DIR    the runbook folder (default: $HANDRAIL_RUNBOOKS, else the Runbooks
                        folder of the installation or source tree, else ./Runbooks)
      --help, -h        this help
      --version         the version

    Exit codes:
    \(exitCodes)
    """

    static let runbook = """
    Usage:
      handrail runbook list
      handrail runbook show ID
      handrail runbook check FILE...

    'check' prints one line per problem as FILE:LINE:COLUMN: JSONPATH: MESSAGE and exits 3
    when any file has problems, 0 when all are valid.
    """

    static var exitCodes: String {
        ExitCode.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")
    }
}
