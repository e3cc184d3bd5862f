import CProcess
import Foundation

/// What the process does first, before it can hold a secret: no core dumps (a temporary
/// password shown once must not survive in one) and no ptrace attachment by the same user.
/// prctl(2) PR_SET_DUMPABLE, setrlimit(2) RLIMIT_CORE.
public enum ProcessHardening {
    public static func apply() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        _ = handrail_set_dumpable(0)
    }

    /// Whether both hold for this process (for the test of the binary).
    public static var isApplied: Bool {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        return limit.rlim_cur == 0 && handrail_get_dumpable() == 0
    }
}
