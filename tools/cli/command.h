// The wirecheck command line: one binary, many commands ("wirecheck time",
// "wirecheck serve echo"), each with its own abseil flags and --help.
//
// A command registers itself from its own source file:
//
//   ABSL_FLAG(absl::Duration, time_timeout, absl::Seconds(5), "...");
//   const bool registered = wirecheck::cli::RegisterCommand({
//       .name = "time",
//       .summary = "Ask an RFC 868 server for the time",
//       .usage = "wirecheck time [flags] tcp://HOST[:PORT] | udp://HOST[:PORT]",
//       .help = "...",
//       .flag_prefix = "time_",
//       .flags = {"timeout", "retries"},
//       .run = RunTime,
//   });
//
// and its cc_library sets alwayslink = True so the registration is linked.
//
// abseil flags are global to the binary, so two commands cannot both define
// "--timeout". A command therefore names its ABSL_FLAGs with its
// `flag_prefix` ("time_timeout") and users type the short name
// ("--timeout"); a flag shared by several commands is defined once without
// a prefix and found under its plain name.
#ifndef WIRECHECK_TOOLS_CLI_COMMAND_H_
#define WIRECHECK_TOOLS_CLI_COMMAND_H_

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace wirecheck::cli {

// Exit codes of every command, documented in `wirecheck --help` and the
// README.
enum ExitCode : int {
  kExitSuccess = 0,
  kExitCheckFailed = 1,      // a check or probe failed
  kExitUsage = 2,            // usage or internal error
  kExitUnreachable = 3,      // the target did not answer at all
  kExitNothingSelected = 4,  // nothing was selected to run
};

// What a command is run with, once its flags are parsed into their
// ABSL_FLAGs.
struct Invocation {
  // The words after the command's name that are not flags.
  std::vector<std::string> args;
  // Every value given to each flag, by its short name, in order; for a
  // repeatable flag ("--case=A --case=B") this is how to read them all, as
  // the ABSL_FLAG holds only the last.
  std::map<std::string, std::vector<std::string>> repeated;
  std::ostream* out;
  std::ostream* err;
};

struct Command {
  // One or more words: "time", "serve echo".
  std::string name;
  // One line for the command list.
  std::string summary;
  // "wirecheck time [flags] tcp://HOST[:PORT]".
  std::string usage;
  // Paragraphs shown by --help after the usage line.
  std::string help;
  // Prepended to a flag's short name to find its ABSL_FLAG ("time_").
  std::string flag_prefix;
  // Short names (without "--") of the flags this command accepts.
  std::vector<std::string> flags;
  // Of `flags`, those that may be given more than once.
  std::vector<std::string> repeatable_flags;
  // Other spellings of flags, e.g. {"c", "count"} so "-c 5" means
  // "--count=5", as classic tools spell them.
  std::map<std::string, std::string> aliases;
  // Runs the command; returns its exit code.
  std::function<int(const Invocation&)> run;
};

// Adds a command to the binary's registry. Returns true so it can
// initialise a namespace-scope constant.
bool RegisterCommand(Command command);

// The registered commands, sorted by name.
std::vector<Command> RegisteredCommands();

// Runs the command line `argv` (argv[0] is the program) against `commands`:
// picks the command from the leading words, rejects flags it does not
// accept, parses the rest with abseil, and runs it. `--help` anywhere prints
// help for the command (or the command list) and returns 0. The command's
// flags are reset to their defaults first, so calls may follow one another
// in a process (tests do). Usage errors
// print a message naming the problem to `err` and return kExitUsage.
int RunCommandLine(const std::vector<Command>& commands,
                   const std::vector<std::string>& argv, std::ostream& out,
                   std::ostream& err);

}  // namespace wirecheck::cli

#endif  // WIRECHECK_TOOLS_CLI_COMMAND_H_
