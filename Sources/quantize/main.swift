import QuantCLI
import QuantKit

#if canImport(Glibc)
import Glibc
#endif

InterruptCleanup.install()
exit(CLI.run(Array(CommandLine.arguments.dropFirst())).rawValue)
