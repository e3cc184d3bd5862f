import Foundation

/// What the file system says about a file without reading it: the same file (device and
/// inode) with the same size and the same modification and change times still holds the same
/// bytes — for a file only root can write.
///
/// The change time (st_ctime) is the part nobody forges: touch(1) and utimensat(2) set the
/// modification time to anything, but any write, rename or attribute change sets the change
/// time to the kernel's clock, and only that clock being set moves it back (stat(2), inode(7)).
/// What the times cannot show:
/// - a second write within the same tick of the file system's clock — ext4 keeps nanoseconds but
///   the kernel stamps with a coarse clock, and other file systems keep whole seconds — so a
///   stamp only stands for the bytes once its file had been left alone for `settleSeconds` when
///   it was looked at; a file changed more recently is read again every time (git's "racily
///   clean" entries: https://git-scm.com/docs/racy-git);
/// - writes through a shared memory mapping after the first, which leave the times alone until
///   the page is written back; and an NFS client's cached attributes. So a stamp stands for the
///   bytes only of a file whose owner is root and which nobody else may write (as a locked
///   deployment requires of its runbooks): anyone able to change it is root already. Any other
///   file is read and hashed at every look-up.
struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var changed: Int64
    var changedNanoseconds: Int64

    /// Only root may write the file (owner uid 0, no write permission for group or others).
    var writableOnlyByRoot: Bool

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
        writableOnlyByRoot = info.st_uid == 0 && info.st_mode & (S_IWGRP | S_IWOTH) == 0
    }

    /// The stamp of the file at `path` now (following a symbolic link, as reading it does).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The file system's clock now (the kernel's real-time clock that stamps files), not the case
    /// clock: it decides only whether to read a file again, never what a case records. Read
    /// before the file is looked at, so that a pause between the look and this reading cannot
    /// make a file changed just after the look seem settled.
    static func now() -> Int64 {
        var now = timespec()
        guard clock_gettime(CLOCK_REALTIME, &now) == 0 else { return 0 }
        return Int64(now.tv_sec)
    }

    /// Whether the file had been left alone long enough at `now` (`FileStamp.now()`, read before
    /// the look) that a later write would show in its times.
    func isSettled(at now: Int64) -> Bool {
        now - max(modified, changed) > Self.settleSeconds
    }

    /// Whether this stamp, taken at `now`, may stand for the file's bytes at a later look-up.
    func standsForItsBytes(at now: Int64) -> Bool {
        writableOnlyByRoot && isSettled(at: now)
    }
}
