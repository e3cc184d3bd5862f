import Foundation
import HandrailCLI

ProcessHardening.apply()
exit(HandrailCommandLine.run(Array(CommandLine.arguments.dropFirst())))
