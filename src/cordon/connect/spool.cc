#include "cordon/connect/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "cordon/util/utf8.h"

namespace cordon::connect {

Status MakeSpoolDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot make the spool directory: " + ec.message(), {dir});
  return Status::Ok();
}

Status WriteSpool(const std::string& path, std::string_view body) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::IoError("cannot write the spool file", Location{path});
  size_t done = 0;
  while (done < body.size()) {
    const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Status::IoError("cannot write the spool file", Location{path});
    }
    done += static_cast<size_t>(n);
  }
  return ::close(fd) == 0 ? Status::Ok() : Status::IoError("cannot close", Location{path});
}

std::string HttpError(const HttpResponse& r) {
  std::string body = RepairUtf8(std::string_view(r.body).substr(0, 300));
  return "HTTP " + std::to_string(r.status) + ": " + body;
}

StatusOr<pipeline::PipelineReport> IngestSpool(const std::string& db,
                                               const std::vector<std::string>& files,
                                               std::string_view format, Progress* progress,
                                               const ledger::Clock* clock) {
  pipeline::PipelineOptions p;
  p.db = db;
  p.inputs = files;
  p.ingest.format = std::string(format);
  p.ingest.skip_done_files = false;
  p.progress = progress;
  p.clock = clock;
  ASSIGN_OR_RETURN(pipeline::PipelineReport ingested, pipeline::RunPipeline(p));
  for (const FileReport& f : ingested.ingest.files) {
    if (!f.status.ok()) return f.status;
  }
  return ingested;
}

void RemoveSpool(const std::vector<std::string>& files) {
  std::error_code ec;
  for (const std::string& f : files) std::filesystem::remove(f, ec);
}

}  // namespace cordon::connect
