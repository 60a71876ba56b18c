#include "cordon/util/flag_config.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "cordon/util/line_reader.h"

namespace cordon {
namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

Status ErrorAt(std::string_view file, int64_t line, const std::string& message) {
  return Status::InvalidArgument(message, Location{std::string(file), line});
}

int64_t LineOf(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

}  // namespace

StatusOr<std::vector<ConfigValue>> ParseFlagConfig(std::string_view yaml, std::string_view file) {
  if (yaml.size() > kMaxConfigBytes) return ErrorAt(file, 0, "config file larger than 1 MiB");
  std::vector<ConfigValue> out;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return out;
    if (!root.IsMap()) {
      return ErrorAt(file, LineOf(root), "expected a mapping of flag names to values");
    }
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      ConfigValue c;
      c.line = LineOf(k);
      if (!k.IsScalar()) return ErrorAt(file, c.line, "a key must be a flag name");
      c.key = k.Scalar();
      if (!seen.insert(c.key).second) {
        return ErrorAt(file, c.line, "key '" + c.key + "' given twice");
      }
      if (v.IsScalar()) {
        c.values.push_back(v.Scalar());
      } else if (v.IsSequence()) {
        c.list = true;
        for (size_t i = 0; i < v.size(); ++i) {
          const YAML::Node item = v[i];
          if (!item.IsScalar()) {
            return ErrorAt(file, LineOf(item),
                           "key '" + c.key + "': a list may hold only plain values");
          }
          c.values.push_back(item.Scalar());
        }
      } else if (v.IsNull()) {
        return ErrorAt(file, c.line, "key '" + c.key + "' has no value");
      } else {
        return ErrorAt(file, c.line,
                       "key '" + c.key + "': expected a value or a list of values, not a mapping");
      }
      out.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    return ErrorAt(file, e.mark.is_null() ? 0 : e.mark.line + 1, "not valid YAML: " + e.msg);
  }
  return out;
}

StatusOr<std::vector<ConfigValue>> ReadFlagConfig(const std::string& path) {
  std::string text;
  RETURN_IF_ERROR(ReadWholeFile(path, kMaxConfigBytes + 1, text));
  return ParseFlagConfig(text, path);
}

std::optional<bool> ConfigBool(std::string_view s) {
  static const std::map<std::string_view, bool> kWords = {
      {"true", true}, {"True", true},   {"TRUE", true},   {"yes", true},    {"Yes", true},
      {"YES", true},  {"on", true},     {"On", true},     {"ON", true},     {"y", true},
      {"Y", true},    {"false", false}, {"False", false}, {"FALSE", false}, {"no", false},
      {"No", false},  {"NO", false},    {"off", false},   {"Off", false},   {"OFF", false},
      {"n", false},   {"N", false}};
  const auto it = kWords.find(s);
  if (it == kWords.end()) return std::nullopt;
  return it->second;
}

StatusOr<std::vector<std::string>> ConfigArgs(const std::vector<ConfigValue>& values,
                                              const std::vector<ConfigFlag>& flags,
                                              std::string_view file, std::string_view command) {
  std::vector<std::string> args;
  for (const ConfigValue& c : values) {
    const ConfigFlag* flag = nullptr;
    for (const ConfigFlag& f : flags) {
      if (f.name == c.key) flag = &f;
    }
    if (flag == nullptr) {
      std::string known;
      for (const ConfigFlag& f : flags) known += (known.empty() ? "" : ", ") + f.name;
      return ErrorAt(file, c.line,
                     "unknown key '" + c.key + "': '" + std::string(command) + "' has no flag --" +
                         c.key + " (its flags: " + known + ")");
    }
    if (c.list && !flag->repeatable) {
      return ErrorAt(file, c.line, "key '" + c.key + "' takes one value, not a list");
    }
    if (flag->given) continue;  // the command line wins
    for (const std::string& v : c.values) {
      if (flag->takes_value) {
        args.push_back("--" + c.key + "=" + v);
        continue;
      }
      const std::optional<bool> on = ConfigBool(v);
      if (!on) {
        return ErrorAt(file, c.line,
                       "key '" + c.key + "' is a switch: expected true or false, got '" + v + "'");
      }
      if (*on) args.push_back("--" + c.key);
    }
  }
  return args;
}

}  // namespace cordon
