#include "cordon/sim/telegram_export.h"

#include <filesystem>

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::sim {
namespace {

void Field(std::string& out, std::string_view key, std::string_view value, int indent = 3) {
  out += ",\n";
  out.append(static_cast<size_t>(indent), ' ');
  AppendJsonString(out, key);
  out += ": ";
  AppendJsonString(out, value);
}
void Field(std::string& out, std::string_view key, int64_t value, int indent = 3) {
  out += ",\n";
  out.append(static_cast<size_t>(indent), ' ');
  AppendJsonString(out, key);
  out += ": " + std::to_string(value);
}

// "2019-11-22T10:15:00" in the exporter's zone; "22-11-2019_10-15-00" for file names.
std::string LocalIso(TimeMs t) { return FormatRfc3339Ms(t - t % 1000).substr(0, 19); }
std::string FileStamp(TimeMs t) {
  const std::string iso = LocalIso(t);
  return iso.substr(8, 2) + "-" + iso.substr(5, 2) + "-" + iso.substr(0, 4) + "_" +
         iso.substr(11, 2) + "-" + iso.substr(14, 2) + "-" + iso.substr(17, 2);
}

// Writes `bytes` to dir/rel (rel's folder created), a file beside the export.
Status WriteBeside(const std::string& dir, const std::string& rel, const std::string& bytes) {
  const std::filesystem::path full = std::filesystem::path(dir) / rel;
  std::error_code ec;
  std::filesystem::create_directories(full.parent_path(), ec);
  std::FILE* f = std::fopen(full.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot create file", Location{full.string()});
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok)
    return Status::IoError("cannot write file", Location{full.string()});
  return Status::Ok();
}

// `text` and `text_entities`: plain runs and links, as tdesktop splits them.
void Text(std::string& out, std::string_view text, const std::vector<std::string>& links) {
  struct Part {
    std::string_view type, text;
  };
  std::vector<Part> parts;
  size_t pos = 0;
  for (const std::string& l : links) {
    const size_t at = text.find(l, pos);
    if (at == std::string_view::npos) continue;
    if (at > pos) parts.push_back({"plain", text.substr(pos, at - pos)});
    parts.push_back({"link", text.substr(at, l.size())});
    pos = at + l.size();
  }
  if (pos < text.size()) parts.push_back({"plain", text.substr(pos)});
  const bool mixed = parts.size() > 1 || (parts.size() == 1 && parts[0].type != "plain");
  out += ",\n   \"text\": ";
  if (!mixed) {
    AppendJsonString(out, text);
  } else {
    out += "[";
    for (size_t i = 0; i < parts.size(); ++i) {
      out += i ? ",\n    " : "\n    ";
      if (parts[i].type == "plain") {
        AppendJsonString(out, parts[i].text);
      } else {
        out += "{\n     \"type\": ";
        AppendJsonString(out, parts[i].type);
        out += ",\n     \"text\": ";
        AppendJsonString(out, parts[i].text);
        out += "\n    }";
      }
    }
    out += "\n   ]";
  }
  out += ",\n   \"text_entities\": [";
  for (size_t i = 0; i < parts.size(); ++i) {
    out += i ? ",\n    {\n     \"type\": " : "\n    {\n     \"type\": ";
    AppendJsonString(out, parts[i].type);
    out += ",\n     \"text\": ";
    AppendJsonString(out, parts[i].text);
    out += "\n    }";
  }
  out += parts.empty() ? "]" : "\n   ]";
}

}  // namespace

TelegramExportWriter::~TelegramExportWriter() {
  if (f_ != nullptr) std::fclose(f_);
}

StatusOr<std::unique_ptr<TelegramExportWriter>> TelegramExportWriter::Open(const std::string& dir,
                                                                           std::string_view name,
                                                                           std::string_view type,
                                                                           uint64_t id,
                                                                           int utc_offset_min) {
  std::unique_ptr<TelegramExportWriter> w(new TelegramExportWriter());
  w->dir_ = dir;
  w->offset_min_ = utc_offset_min;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create directory: " + ec.message(), Location{dir});
  const std::string path = dir + "/result.json";
  w->f_ = std::fopen(path.c_str(), "wb");
  if (w->f_ == nullptr) return Status::IoError("cannot create file", Location{path});
  std::string head = "{\n \"name\": ";
  AppendJsonString(head, name);
  head += ",\n \"type\": ";
  AppendJsonString(head, type);
  head += ",\n \"id\": " + std::to_string(id) + ",\n \"messages\": [";
  RETURN_IF_ERROR(w->Write(head));
  return w;
}

Status TelegramExportWriter::Write(const std::string& s) {
  if (f_ == nullptr) return Status::Internal("export already closed", Location{dir_});
  if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) {
    return Status::IoError("cannot write export", Location{dir_ + "/result.json"});
  }
  return Status::Ok();
}

void TelegramExportWriter::Dates(std::string& out, TimeMs time) const {
  Field(out, "date", LocalIso(time + int64_t{offset_min_} * 60000));
  Field(out, "date_unixtime", std::to_string(time / 1000));
}

Status TelegramExportWriter::AddCreate(int64_t id, TimeMs time, std::string_view actor,
                                       std::string_view actor_id, std::string_view title) {
  std::string s = messages_ ? ",\n  {\n   \"id\": " : "\n  {\n   \"id\": ";
  s += std::to_string(id);
  Field(s, "type", "service");
  Dates(s, time);
  Field(s, "actor", actor);
  Field(s, "actor_id", actor_id);
  Field(s, "action", "create_channel");
  Field(s, "title", title);
  Text(s, "", {});
  s += "\n  }";
  ++messages_;
  return Write(s);
}

Status TelegramExportWriter::Add(const ExportMessage& m) {
  std::string s = messages_ ? ",\n  {\n   \"id\": " : "\n  {\n   \"id\": ";
  s += std::to_string(m.id);
  Field(s, "type", "message");
  Dates(s, m.time);
  Field(s, "from", m.from);
  Field(s, "from_id", m.from_id);
  if (!m.forwarded_from.empty()) Field(s, "forwarded_from", m.forwarded_from);
  if (!m.via_bot.empty()) Field(s, "via_bot", m.via_bot);
  if (m.reply_to != 0) Field(s, "reply_to_message_id", m.reply_to);
  if (m.photo_bytes != nullptr) {
    const std::string rel = "photos/photo_" + std::to_string(++photos_) + "@" +
                            FileStamp(m.time + int64_t{offset_min_} * 60000) + ".jpg";
    RETURN_IF_ERROR(WriteBeside(dir_, rel, *m.photo_bytes));
    Field(s, "photo", rel);
    Field(s, "photo_file_size", static_cast<int64_t>(m.photo_bytes->size()));
    Field(s, "width", m.width);
    Field(s, "height", m.height);
  }
  if (m.video && m.video_bytes != nullptr) {
    const std::string rel = "video_files/video_" + std::to_string(++videos_) + "@" +
                            FileStamp(m.time + int64_t{offset_min_} * 60000) + ".mp4";
    RETURN_IF_ERROR(WriteBeside(dir_, rel, *m.video_bytes));
    Field(s, "file", rel);
    Field(s, "file_size", static_cast<int64_t>(m.video_bytes->size()));
    Field(s, "media_type", "video_file");
    Field(s, "mime_type", "video/mp4");
    Field(s, "duration_seconds", m.duration);
    Field(s, "width", m.width);
    Field(s, "height", m.height);
  } else if (m.video) {
    Field(s, "file", "(File not included. Change data exporting settings to download.)");
    Field(s, "thumbnail", "(File not included. Change data exporting settings to download.)");
    Field(s, "media_type", "video_file");
    Field(s, "mime_type", "video/mp4");
    Field(s, "duration_seconds", m.duration);
    Field(s, "width", m.width);
    Field(s, "height", m.height);
  }
  Text(s, m.text, m.links);
  s += "\n  }";
  ++messages_;
  return Write(s);
}

Status TelegramExportWriter::Close() {
  RETURN_IF_ERROR(Write(messages_ ? "\n ]\n}\n" : "]\n}\n"));
  const bool ok = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok) return Status::IoError("cannot close export", Location{dir_ + "/result.json"});
  return Status::Ok();
}

}  // namespace cordon::sim
