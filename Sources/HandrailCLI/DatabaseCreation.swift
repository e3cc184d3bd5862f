import Foundation

/// What may become a new database. Only `handrail init` and the first run of the personal demo
/// database create one: a missing file, a zero-byte file or a missing folder given as `--db`,
/// `$HANDRAIL_DB` or the configuration's `database` is a mistake (a mistyped path, a truncated
/// copy, `touch`), never a new, empty log with an implicit first senior that would then be trusted.
enum DatabaseCreation {
    /// Throws unless `path` is a database to open; `isDemo` is the default demo database, which its
    /// first run creates.
    static func requireOpenable(_ path: String, isDemo: Bool) throws(HandrailEnvironment.SetupError) {
        let create = "create one with: handrail init --db \(SafeText.visible(path)) --senior LOGIN"
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                throw .failed(.usage, "handrail: \(SafeText.visible(path)) is a symbolic link; give the database's real path")
            }
            guard info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 else { return }
            // Handrail creates a database as an empty 0600 file and migrates it at once (another
            // process opening the demo database in that moment must go on). An empty file anyone
            // else may read was not made that way: `touch`, a truncated copy.
            if isDemo, info.st_mode & 0o077 == 0 { return }
            throw .failed(.usage, "handrail: \(SafeText.visible(path)) is an empty file, not a database (mode \(String(info.st_mode & 0o777, radix: 8))); nothing was created in its place; remove it and \(create)")
        }
        if isDemo { return }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw .failed(.usage, "handrail: no database at \(SafeText.visible(path)) (no folder \(SafeText.visible(folder))); check the path, or create the folder and \(create)")
        }
        throw .failed(.usage, "handrail: no database at \(SafeText.visible(path)); \(create)")
    }
}
