#include "tools/cli/command.h"

#include <algorithm>
#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace wirecheck::cli {
namespace {

std::vector<Command>& Registry() {
  static auto* const registry = new std::vector<Command>();
  return *registry;
}

constexpr absl::string_view kExitCodeHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  a check or probe failed\n"
    "  2  usage or internal error\n"
    "  3  target unreachable\n"
    "  4  nothing selected to run\n";

bool IsHelpFlag(absl::string_view arg) {
  return arg == "--help" || arg == "-help" || arg == "-h" || arg == "--helpfull";
}

void PrintCommandList(const std::vector<Command>& commands, std::ostream& out) {
  out << "wirecheck: protocol conformance checks, reference servers, clients "
         "and fault injection.\n\n"
         "Usage: wirecheck <command> [flags] [args]\n"
         "       wirecheck <command> --help\n\n"
         "Commands:\n";
  size_t width = 0;
  for (const Command& command : commands) {
    width = std::max(width, command.name.size());
  }
  for (const Command& command : commands) {
    out << "  " << command.name << std::string(width - command.name.size() + 2, ' ')
        << command.summary << "\n";
  }
  out << "\n" << kExitCodeHelp;
}

// The ABSL_FLAG behind a command's short flag name, or null.
absl::CommandLineFlag* FindFlag(const Command& command, absl::string_view name) {
  if (std::find(command.flags.begin(), command.flags.end(), name) ==
      command.flags.end()) {
    return nullptr;
  }
  if (!command.flag_prefix.empty()) {
    if (absl::CommandLineFlag* flag =
            absl::FindCommandLineFlag(absl::StrCat(command.flag_prefix, name))) {
      return flag;
    }
  }
  return absl::FindCommandLineFlag(name);
}

void PrintFlagHelp(absl::string_view name, const Command& command,
                   std::ostream& out) {
  const absl::CommandLineFlag* flag = FindFlag(command, name);
  if (flag == nullptr) {
    out << "  --" << name << "  (internal error: no such ABSL_FLAG)\n";
    return;
  }
  const bool repeatable =
      std::find(command.repeatable_flags.begin(), command.repeatable_flags.end(),
                name) != command.repeatable_flags.end();
  out << "  --" << name << (repeatable ? " (repeatable)" : "") << "\n";
  for (absl::string_view line : absl::StrSplit(flag->Help(), '\n')) {
    out << "      " << line << "\n";
  }
  const std::string default_value = flag->DefaultValue();
  if (!default_value.empty()) {
    out << "      default: " << default_value << "\n";
  }
  for (const auto& [alias, target] : command.aliases) {
    if (target == name) out << "      also: -" << alias << "\n";
  }
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "Usage: " << command.usage << "\n\n" << command.summary << ".\n";
  if (!command.help.empty()) out << "\n" << command.help << "\n";
  if (!command.flags.empty()) {
    out << "\nFlags:\n";
    for (const std::string& name : command.flags) {
      PrintFlagHelp(name, command, out);
    }
  }
  out << "\n" << kExitCodeHelp;
}

// Commands whose name starts with `prefix` words ("serve" -> "serve echo").
std::vector<const Command*> CommandsUnder(const std::vector<Command>& commands,
                                          absl::string_view prefix) {
  std::vector<const Command*> found;
  for (const Command& command : commands) {
    if (absl::StartsWith(command.name, absl::StrCat(prefix, " "))) {
      found.push_back(&command);
    }
  }
  return found;
}

}  // namespace

bool RegisterCommand(Command command) {
  Registry().push_back(std::move(command));
  return true;
}

std::vector<Command> RegisteredCommands() {
  std::vector<Command> commands = Registry();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  return commands;
}

int RunCommandLine(const std::vector<Command>& commands,
                   const std::vector<std::string>& argv, std::ostream& out,
                   std::ostream& err) {
  std::vector<std::string> words(argv.begin() + std::min<size_t>(1, argv.size()),
                                 argv.end());
  if (words.empty() || IsHelpFlag(words[0]) || words[0] == "help") {
    PrintCommandList(commands, out);
    return words.empty() ? kExitUsage : kExitSuccess;
  }

  // The longest run of leading words that names a command.
  const Command* command = nullptr;
  size_t used = 0;
  std::string name;
  for (size_t i = 0; i < words.size() && !absl::StartsWith(words[i], "-"); ++i) {
    name = i == 0 ? words[0] : absl::StrCat(name, " ", words[i]);
    for (const Command& candidate : commands) {
      if (candidate.name == name) {
        command = &candidate;
        used = i + 1;
      }
    }
  }
  if (command == nullptr) {
    const std::vector<const Command*> under = CommandsUnder(commands, words[0]);
    if (!under.empty()) {
      // "wirecheck serve" or "wirecheck serve nosuch": list what exists.
      std::ostream& stream =
          words.size() > 1 && !IsHelpFlag(words[1]) ? err : out;
      if (&stream == &err) {
        err << "wirecheck " << words[0] << ": unknown "
            << words[0] << " command \"" << words[1] << "\"\n\n";
      }
      stream << "Usage: wirecheck " << words[0] << " <";
      std::vector<std::string> names;
      for (const Command* c : under) names.push_back(c->name.substr(words[0].size() + 1));
      stream << absl::StrJoin(names, "|") << "> [flags]\n\n";
      for (const Command* c : under) {
        stream << "  " << c->name << "  " << c->summary << "\n";
      }
      const bool help_asked =
          words.size() > 1 && IsHelpFlag(words[1]);
      return help_asked ? kExitSuccess : kExitUsage;
    }
    err << "wirecheck: unknown command \"" << words[0]
        << "\" (see wirecheck --help)\n";
    return kExitUsage;
  }

  Invocation invocation;
  invocation.out = &out;
  invocation.err = &err;
  const auto usage_error = [&](absl::string_view message) {
    err << "wirecheck " << command->name << ": " << message
        << " (see wirecheck " << command->name << " --help)\n";
    return kExitUsage;
  };
  for (size_t i = used; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (IsHelpFlag(word)) {
      PrintCommandHelp(*command, out);
      return kExitSuccess;
    }
  }
  for (const std::string& name : command->flags) {
    absl::CommandLineFlag* flag = FindFlag(*command, name);
    std::string ignored;
    if (flag == nullptr || !flag->ParseFrom(flag->DefaultValue(), &ignored)) {
      err << "wirecheck " << command->name << ": internal error: flag --"
          << name << " has no ABSL_FLAG\n";
      return kExitUsage;
    }
  }
  for (size_t i = used; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") {
      invocation.args.insert(invocation.args.end(), words.begin() + i + 1,
                             words.end());
      break;
    }
    if (word.size() < 2 || word[0] != '-') {
      invocation.args.push_back(word);
      continue;
    }
    absl::string_view body = word;
    body.remove_prefix(body[1] == '-' ? 2 : 1);
    std::string flag_name(body.substr(0, body.find('=')));
    if (auto alias = command->aliases.find(flag_name);
        alias != command->aliases.end()) {
      flag_name = alias->second;
    }
    const bool has_value = body.find('=') != absl::string_view::npos;
    std::string value(has_value ? body.substr(body.find('=') + 1) : "");
    absl::CommandLineFlag* flag = FindFlag(*command, flag_name);
    if (flag == nullptr && !has_value && absl::StartsWith(flag_name, "no")) {
      flag = FindFlag(*command, flag_name.substr(2));
      if (flag != nullptr && flag->IsOfType<bool>()) {
        flag_name = flag_name.substr(2);
        value = "false";
      } else {
        flag = nullptr;
      }
    } else if (flag != nullptr && !has_value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < words.size()) {
        value = words[++i];
      } else {
        return usage_error(absl::StrCat("flag --", flag_name, " needs a value"));
      }
    }
    if (flag == nullptr) {
      return usage_error(absl::StrCat("unknown flag --", flag_name));
    }
    const bool repeatable =
        std::find(command->repeatable_flags.begin(),
                  command->repeatable_flags.end(),
                  flag_name) != command->repeatable_flags.end();
    if (!repeatable && invocation.repeated.count(flag_name) > 0) {
      return usage_error(absl::StrCat("flag --", flag_name, " given twice"));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return usage_error(absl::StrCat("bad value \"", value, "\" for --",
                                      flag_name, ": ", error));
    }
    invocation.repeated[flag_name].push_back(value);
  }
  return command->run(invocation);
}

}  // namespace wirecheck::cli
