#include "cordon/sim/manifest.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "cordon/util/json_writer.h"

namespace cordon::sim {
namespace fs = std::filesystem;
namespace {

// What lies under the output names, by path relative to the output directory ('/'-separated).
struct Tree {
  std::vector<std::string> dirs;
  std::map<std::string, int64_t> files;  // regular files and their sizes
  std::vector<std::string> others;       // symbolic links, sockets, ...: never written by us
};

Status Visit(const fs::path& dir, const fs::path& p, fs::file_status st, Tree& t) {
  const std::string rel = p.lexically_relative(dir).generic_string();
  std::error_code ec;
  if (fs::is_regular_file(st)) {
    const auto size = fs::file_size(p, ec);
    if (ec) return Status::IoError("cannot read size: " + ec.message(), Location{p.string()});
    t.files.emplace(rel, static_cast<int64_t>(size));
  } else if (fs::is_directory(st)) {  // symlink_status: never a link to a directory
    t.dirs.push_back(rel);
    for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::file_status child = it->symlink_status(ec);
      if (ec) break;
      RETURN_IF_ERROR(Visit(dir, it->path(), child, t));
    }
    if (ec) return Status::IoError("cannot list: " + ec.message(), Location{p.string()});
  } else {
    t.others.push_back(rel);
  }
  return Status::Ok();
}

StatusOr<Tree> Scan(const fs::path& dir) {
  Tree t;
  for (std::string_view name : kOutputNames) {
    const fs::path top = dir / name;
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(top, ec);
    if (st.type() == fs::file_type::not_found) continue;
    if (ec) return Status::IoError("cannot stat: " + ec.message(), Location{top.string()});
    RETURN_IF_ERROR(Visit(dir, top, st, t));
  }
  std::sort(t.dirs.begin(), t.dirs.end());
  return t;
}

// "a, b, c and 7 more": at most `shown` names.
std::string NameSome(const std::vector<std::string>& names, size_t shown = 8) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < shown; ++i) s += (i > 0 ? ", " : "") + names[i];
  if (names.size() > shown) s += " and " + std::to_string(names.size() - shown) + " more";
  return s;
}

struct Manifest {
  std::set<std::string> dirs;
  std::map<std::string, int64_t> files;
};

StatusOr<Manifest> ReadManifest(const fs::path& path) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(kManifestName) +
                                       " is not a cordon simulate manifest (" + std::string(why) +
                                       "); --overwrite removes nothing without one",
                                   Location{path.string()});
  };
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.load(path.string()).get(root) != simdjson::SUCCESS) return bad("not JSON");
  std::string_view kind, format;
  if (root["cordon_output"].get(kind) != simdjson::SUCCESS || kind != "sim-manifest" ||
      root["format"].get(format) != simdjson::SUCCESS || format != kManifestFormat) {
    return bad(std::string("no \"format\": \"") + std::string(kManifestFormat) + "\"");
  }
  Manifest m;
  simdjson::dom::array dirs, files;
  if (root["dirs"].get(dirs) != simdjson::SUCCESS ||
      root["files"].get(files) != simdjson::SUCCESS) {
    return bad("no dirs and files lists");
  }
  for (auto d : dirs) {
    std::string_view s;
    if (d.get(s) != simdjson::SUCCESS) return bad("a directory that is not a string");
    m.dirs.emplace(s);
  }
  for (auto f : files) {
    std::string_view p;
    int64_t size = 0;
    if (f["path"].get(p) != simdjson::SUCCESS || f["size"].get(size) != simdjson::SUCCESS) {
      return bad("a file without path and size");
    }
    m.files.emplace(std::string(p), size);
  }
  return m;
}

}  // namespace

Status WriteManifest(const std::string& dir) {
  ASSIGN_OR_RETURN(Tree t, Scan(dir));
  std::string out = "{\"cordon_output\": \"sim-manifest\",\n\"format\": ";
  AppendJsonString(out, kManifestFormat);
  out +=
      ",\n\"about\": \"what cordon simulate wrote in this directory; cordon simulate --overwrite "
      "removes exactly this\",\n\"dirs\": [";
  for (size_t i = 0; i < t.dirs.size(); ++i) {
    out += i > 0 ? ",\n" : "\n";
    AppendJsonString(out, t.dirs[i]);
  }
  out += "\n],\n\"files\": [";
  bool first = true;
  for (const auto& [path, size] : t.files) {
    out += first ? "\n{\"path\": " : ",\n{\"path\": ";
    first = false;
    AppendJsonString(out, path);
    out += ", \"size\": " + std::to_string(size) + "}";
  }
  out += "\n]}\n";
  const std::string path = (fs::path(dir) / kManifestName).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot create file", Location{path});
  const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  if (std::fclose(f) != 0 || !ok) return Status::IoError("cannot write file", Location{path});
  return Status::Ok();
}

Status RemovePreviousOutput(const std::string& dir) {
  ASSIGN_OR_RETURN(Tree t, Scan(dir));
  const fs::path manifest_path = fs::path(dir) / kManifestName;
  std::error_code ec;
  const fs::file_status mst = fs::symlink_status(manifest_path, ec);
  if (mst.type() == fs::file_type::not_found) {
    if (t.dirs.empty() && t.files.empty() && t.others.empty()) return Status::Ok();
    std::vector<std::string> found;
    for (std::string_view name : kOutputNames) {
      std::error_code e;
      if (fs::symlink_status(fs::path(dir) / name, e).type() != fs::file_type::not_found) {
        found.emplace_back(name);
      }
    }
    return Status::InvalidArgument(
        "--overwrite refused: the directory holds " + NameSome(found) + " but no " +
            std::string(kManifestName) +
            ", so nothing shows that cordon simulate wrote them; nothing was removed. Move "
            "them away yourself or choose another --out",
        Location{dir});
  }
  if (!fs::is_regular_file(mst)) {
    return Status::InvalidArgument(std::string(kManifestName) + " is not a regular file",
                                   Location{manifest_path.string()});
  }
  ASSIGN_OR_RETURN(Manifest m, ReadManifest(manifest_path));
  std::vector<std::string> foreign = t.others;
  for (const std::string& d : t.dirs) {
    if (!m.dirs.count(d)) foreign.push_back(d + "/");
  }
  for (const auto& [path, size] : t.files) {
    auto it = m.files.find(path);
    if (it == m.files.end()) {
      foreign.push_back(path);
    } else if (it->second != size) {
      foreign.push_back(path + " (changed since cordon simulate wrote it)");
    }
  }
  if (!foreign.empty()) {
    std::sort(foreign.begin(), foreign.end());
    return Status::InvalidArgument(
        "--overwrite refused: " + std::to_string(foreign.size()) +
            " entries were not written by cordon simulate (not in " + std::string(kManifestName) +
            "): " + NameSome(foreign) +
            "; nothing was removed. Move them away or choose another --out",
        Location{dir});
  }
  // Everything under the output names is listed: remove the files, then the directories,
  // deepest first (a child sorts after its parent), then the manifest.
  for (const auto& [path, size] : t.files) {
    if (fs::remove(fs::path(dir) / path, ec); ec) {
      return Status::IoError("cannot remove: " + ec.message(),
                             Location{(fs::path(dir) / path).string()});
    }
  }
  for (auto it = t.dirs.rbegin(); it != t.dirs.rend(); ++it) {
    if (fs::remove(fs::path(dir) / *it, ec); ec) {
      return Status::IoError("cannot remove directory: " + ec.message(),
                             Location{(fs::path(dir) / *it).string()});
    }
  }
  if (fs::remove(manifest_path, ec); ec) {
    return Status::IoError("cannot remove: " + ec.message(), Location{manifest_path.string()});
  }
  return Status::Ok();
}

}  // namespace cordon::sim
