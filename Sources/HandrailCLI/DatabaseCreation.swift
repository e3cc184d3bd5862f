import Foundation

/// What may become a new database. A zero-byte file or a missing folder is a mistake (a
/// truncated copy, a mistyped path), never a new, empty log that would then be trusted.
enum DatabaseCreation {
    static func requireOpenable(_ path: String, isDefault: Bool) throws(HandrailEnvironment.SetupError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                throw .failed(.usage, "handrail: \(SafeText.visible(path)) is a symbolic link; give the database's real path")
            }
            // Handrail creates a database as an empty 0600 file and migrates it at once (another
            // process opening it in that moment must go on). An empty file anyone else may read was
            // not made that way: `touch`, a truncated copy.
            if info.st_mode & S_IFMT == S_IFREG, info.st_size == 0, info.st_mode & 0o077 != 0 {
                throw .failed(.usage, "handrail: \(SafeText.visible(path)) is an empty file Handrail did not create (mode \(String(info.st_mode & 0o777, radix: 8))); nothing was created in its place (handrail init --senior LOGIN --db PATH creates a database)")
            }
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !isDefault, !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw .failed(.usage, "handrail: no folder \(SafeText.visible(folder)) for the database \(SafeText.visible(path)); check the path (handrail init --senior LOGIN --db PATH creates a database)")
        }
    }
}
