import Foundation
import HandrailTestSupport
import XCTest

/// Whole screens compared as text against `Tests/WizardTests/Golden/NAME.txt` (the source folder,
/// found from the package root, not the test bundle's copy). A missing file fails. With
/// `HANDRAIL_REGENERATE_GOLDEN=1` the screens that differ are written instead, and the run fails:
/// read the diff, commit it, run again.
enum Golden {
    static let folder = PackagePaths.tests("WizardTests/Golden")

    static func assertScreen(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        ReferenceText.assertMatches(text + "\n", folder.appendingPathComponent(name + ".txt"), regenerate: "HANDRAIL_REGENERATE_GOLDEN",
                                    file: file, line: line)
    }
}
