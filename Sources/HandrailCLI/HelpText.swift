/// The text of `--help`. Kept in one place so the README can quote it verbatim.
enum HelpText {
    static let initCommand = """
    handrail init --senior LOGIN [--db PATH] [--demo-tenant]
      Creates a new, empty database with LOGIN as its first senior admin; the one command that
      creates a database. In a locked deployment root (or the service account) runs it, and the
      database is the one the system configuration names. --demo-tenant also creates the
      LocalDirectory demo tenant beside it.
    """

    static let main = """
    handrail: a runbook wizard for restoring MFA access at the help desk without
    handing the account to a social engineer.

    Usage:
      handrail                                               the wizard: the case queue
      handrail open EMAIL                                    the wizard, straight into a new case for EMAIL
      handrail --plain [open EMAIL]                          the wizard line by line, for screen readers (or ACCESSIBLE=1)
      handrail case open --subject EMAIL [--runbook ID]     open a case; prints its id
      handrail case show ID                                  the case: steps, gates, facts, actions, history
      handrail case do ID ACTION [field=value…] [--reason T] [--confirm EMAIL] [--attest T]
      handrail case facts ID KEY=VALUE…                      type facts read from the admin console
      handrail case attest ID TEXT | --failed TEXT           say you did (or could not do) the pending action
      handrail case list [--status S] [--subject EMAIL]      the queue
      handrail case note ID TEXT                             add a note to the case and the audit log
      handrail case release ID                               stop holding the case
      handrail case migrate-runbook ID --reason T            (senior admins) move a case onto its changed runbook
      handrail case take-over ID --reason TEXT               (senior admins) take over a case someone holds
      handrail audit [--event T]… [--actor A] [--subject S] [--case ID] [--since D] [--until D]
                     [--format table|csv|json]               the audit log, filtered
      handrail audit --follow [--format json|ocsf]           new events as they commit, as JSON lines
      handrail audit verify [--anchors FILE --anchor-key K0] [--expect SEQ:HASH]…
                                                             check the log end to end (and against its checkpoints)
      handrail anchor init | status                          sign checkpoints of the log to syslog and a file
      handrail init --senior LOGIN [--db PATH] [--demo-tenant]   create a database (the only command that does)
      handrail operator add LOGIN --role agent|senior|auditor|trainee
      handrail operator set LOGIN --role ROLE | remove LOGIN  change the roster (audited; promotion to
                                                             senior needs a second senior once there are two)
      handrail operator list
      handrail directory list | show EMAIL | seed            the LocalDirectory tenant (--platform local): its
                                                             users, one user, the demo users restored
      handrail directory simulate EMAIL signin --password P [--code C] [--new-password N]
      handrail directory simulate EMAIL enrol KIND LABEL     act as the user: sign in, enrol a new factor
      handrail train                                         the training scenarios
      handrail train SCENARIO                                practise one in the wizard, then a debrief
      handrail train results [LOGIN]                         training results (seniors: anyone's)
      handrail train check FILE…                             validate scenario files
      handrail runbook list                                  the runbooks available
      handrail runbook show ID                               a runbook as a person reads it
      handrail runbook check FILE...                         validate runbook files
      handrail status                                        the database and how far its replica is behind
      handrail restore --from FOLDER|URL --to PATH [--timestamp T]
                                                             restore a replica to a new file and verify it
      handrail replication config                            the Litestream configuration for the replica

    Options (any command):
      --db PATH         the database (default: $HANDRAIL_DB, else the personal DEMO database
                        $XDG_DATA_HOME/handrail/demo.db, else ~/.local/share/handrail/demo.db;
                        real ones are made by handrail init; refused in a locked deployment)
      --platform NAME   where facts come from and actions happen: local (the LocalDirectory tenant,
                        a demo tenant on first run) or manual (typed from your admin console)
                        (default: $HANDRAIL_PLATFORM, else the config file, else local)
      --runbooks DIR    the runbook folder (default: $HANDRAIL_RUNBOOKS, else the Runbooks folder of
                        the installation or source tree, else ./Runbooks)
      --json            machine-readable output (case, audit)
      --help, -h        this help
      --version         the version

    The acting operator is your account's name (your user id's, never $SUDO_USER;
    $HANDRAIL_LOGIN overrides it for automation). The first operator of a new
    database becomes its senior admin.

    Exit codes:
    \(exitCodes)
    """

    static let runbook = """
    Usage:
      handrail runbook list
      handrail runbook show ID
      handrail runbook check FILE...

    'check' prints one line per problem as FILE:LINE:COLUMN: JSONPATH: MESSAGE and exits 3
    when any file has problems, 0 when all are valid. A folder named as FILE stands for each
    .json5 file directly in it (a folder with none is exit 2).
    """

    static let cases = """
    Usage:
      handrail case open --subject EMAIL [--runbook ID]
      handrail case show ID [--json]
      handrail case do ID STEP [field=value…] [--reason TEXT] [--confirm EMAIL] [--attest TEXT]
      handrail case do ID refuse|signal SIGNAL --reason TEXT
      handrail case do ID pause|restart-verification|request-approval|approve|deny|uphold|reopen|incident --reason TEXT
      handrail case do ID resume | observe-enrolment
      handrail case do ID reissue --reason TEXT                 lost one-time codes/password: new ones on your terminal
      handrail case do ID clear-prior --reason TEXT             (senior) let a case go on past prior refusals
      handrail case do ID confirm-fact KEY=VALUE… --reason TEXT (senior) allow a typed fact a gate refused on to change
      handrail case facts ID KEY=VALUE…
      handrail case attest ID TEXT | --failed TEXT
      handrail case list [--status STATUS|overdue] [--subject EMAIL] [--limit N] [--after ID] [--json]
      handrail case note ID TEXT
      handrail case release ID
      handrail case migrate-runbook ID --reason TEXT
      handrail case take-over ID --reason TEXT      (senior admins; recorded)

    STEP is the current step's id (see 'case show'). --reason fills the step's reason field (a
    pre-filled draft is used when omitted); --confirm types the user's email for dangerous steps;
    --attest says you carried out the action in the admin console.

    A second case for a person with a case still open is refused (exit 3, naming it). A case for a
    person refused, escalated or in an incident within the runbook's look-back stops at "No refusal
    signal raised" until a senior admin who did not open it runs clear-prior. A typed fact a gate
    refused on keeps its value until a senior admin who did not open the case confirms the new one
    with confirm-fact; then type exactly that value.

    """ + facts

    static let facts = """
    Facts (ManualConsole: read each from the named admin-console screen):
      name="Display Name"                       User detail → Profile
      codes=N                                   User detail → MFA tab → Backup codes
      phone=NUMBER@YYYY-MM-DD                    User detail → Profile → Phone numbers (repeat)
      privileged=yes|no                         User detail → Roles
      suspended=yes|no                          User detail → Status
      federated=PROVIDER@YYYY-MM-DD | none       User detail → Linked identities (repeat)
      signins=ok|failed:ADDRESS@YYYY-MM-DDTHH:MM | none    User detail → Sign-in log (repeat)
      factor=KIND:LABEL@YYYY-MM-DDTHH:MM | none  User detail → MFA tab → Factors (repeat)
      manager=EMAIL                             User detail → Profile → Manager (optional)
    Times are UTC.
    """

    static let audit = """
    Usage:
      handrail audit [--event TYPE]… [--actor LOGIN] [--subject EMAIL] [--case ID]
                     [--since DATE] [--until DATE] [--format table|csv|json|ocsf]
      handrail audit --follow [--after SEQ] [--format json|ocsf] [filters]
      handrail audit verify [--anchors FILE --anchor-key K0] [--expect SEQ:HASH]… [--no-projections] [--json]

    DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC; --since is inclusive, --until exclusive.
    CSV cells that a spreadsheet would read as a formula are prefixed with an apostrophe.
    --format ocsf writes OCSF Account Change records (class_uid 3001), one JSON object a line,
    for resets, password sets, enrolments, approvals and refusals, each with the case id and
    the event hash. --follow prints the events after SEQ (default: all), then each new event as
    it commits, until SIGINT or SIGTERM.
    'verify' exits 3 and names the first bad sequence number when the chain is broken. With
    --anchors it also checks, from K0 alone, every checkpoint's MAC and that each checkpoint's
    (seq, head) is still in the log, that times never go backwards, and that every case's row
    equals the replay of its events (--no-projections: not that, for an archived log without its
    cases table; --projections: that alone, without anchors). --expect SEQ:HASH (repeatable) holds while the log grows
    and fails when history up to SEQ changed. --expect-head HASH: the head must be HASH.
    """

    static let directory = """
    Usage (the LocalDirectory tenant, --platform local):
      handrail directory list                      its users, and the path each demo user shows
      handrail directory show EMAIL                one user: factors, codes left, phones, sign-ins, events, outbox
      handrail directory seed                      restore the demo users to their starting state
      handrail directory simulate EMAIL signin --password P [--code BACKUP-CODE] [--new-password N] [--address IP]
      handrail directory simulate EMAIL enrol KIND LABEL [--from ADDRESS]   e.g. enrol totp "Pixel 9"; from the last sign-in's address unless --from
      handrail directory simulate EMAIL inbox      the notices the directory sent about the account (its outbox)

    'simulate' acts as the user would: sign in with a backup code or a temporary password (which
    must be changed at that first sign-in, to a different password), then enrol a new factor. Codes work
    once and expire; a changed temporary password stops working.
    """

    static let anchor = """
    Usage:
      handrail anchor init      (senior admins) make the anchor key; prints K0 once, for the auditor
      handrail anchor status    the last checkpoint, where checkpoints go, any not yet delivered

    After every admin action, approval, incident and roster change (and every few minutes while
    the log grows) a checkpoint of the log is signed under a key that moves forward each time,
    and sent to syslog (authpriv) and an append-only file. A sink that fails is reported on
    screen; its checkpoints are kept and sent again, in order, with the next one.
    """

    static let operators = """
    Usage:
      handrail operator add LOGIN --role agent|senior|auditor|trainee   (senior admins only)
      handrail operator list
    """

    static var exitCodes: String {
        ExitCode.allCases.map { "  \($0.rawValue)  \($0.meaning)" }.joined(separator: "\n")
    }
}
