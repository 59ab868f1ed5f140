// libFuzzer dictionary files: one entry per line, `name="value"` or
// `"value"`, with \\, \" and \xNN escapes; '#' starts a comment line.
#ifndef WIRECHECK_FUZZ_DICTIONARY_H_
#define WIRECHECK_FUZZ_DICTIONARY_H_

#include <optional>
#include <string>
#include <vector>

namespace wirecheck::fuzz {

// Returns the decoded entries, or nullopt with `error` naming the bad line.
std::optional<std::vector<std::string>> ParseDictionary(const std::string& text,
                                                        std::string* error);

}  // namespace wirecheck::fuzz

#endif  // WIRECHECK_FUZZ_DICTIONARY_H_
