import Foundation
import HandrailCLI

exit(HandrailCommandLine.run(Array(CommandLine.arguments.dropFirst())))
