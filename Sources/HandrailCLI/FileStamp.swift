import Foundation

/// What the file system says about a file without reading it: the same file (device and
/// inode) with the same size and the same modification and change times still holds the same
/// bytes.
///
/// The change time (st_ctime) is the part nobody forges: touch(1) and utimensat(2) set the
/// modification time to anything, but any write, rename or attribute change sets the change
/// time to the kernel's clock, and only that clock being set moves it back (stat(2), inode(7)).
/// What the times cannot show is a second write within the same tick of the file system's
/// clock — ext4 keeps nanoseconds but the kernel stamps with a coarse clock, and other file
/// systems keep whole seconds — so a stamp only stands for the bytes once its file has been
/// left alone for `settleSeconds`; a file changed more recently is read again every time
/// (git's "racily clean" entries: https://git-scm.com/docs/racy-git).
struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var changed: Int64
    var changedNanoseconds: Int64

    /// Longer than the coarsest file system clock Handrail may sit on (one second).
    static let settleSeconds: Int64 = 2

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec)
        changedNanoseconds = Int64(info.st_ctim.tv_nsec)
    }

    /// The stamp of the file at `path` now (following a symbolic link, as reading it does).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// Whether the file has been left alone long enough that a later write would show in its
    /// times. Read on the file system's own clock (the kernel's real-time clock that stamps files),
    /// not the case clock: this decides only whether to read a file again, never what a case
    /// records.
    var isSettled: Bool {
        var now = timespec()
        guard clock_gettime(CLOCK_REALTIME, &now) == 0 else { return false }
        let latest = max(modified, changed)
        return Int64(now.tv_sec) - latest > Self.settleSeconds
    }
}
