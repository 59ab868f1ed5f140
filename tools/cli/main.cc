// wirecheck: one binary, one command per registered Command (command.h).
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli/command.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  return wirecheck::cli::RunCommandLine(wirecheck::cli::RegisteredCommands(),
                                        args, std::cout, std::cerr);
}
