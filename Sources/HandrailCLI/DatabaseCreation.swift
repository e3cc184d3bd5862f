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
            if info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 {
                throw .failed(.usage, "handrail: \(SafeText.visible(path)) is an empty file, not a Handrail database; nothing was created in its place (handrail init --senior LOGIN --db PATH creates a database)")
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
