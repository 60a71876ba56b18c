#include "store/fault_vfs.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <new>

namespace cordon::testing {

// SQLite allocates vfs_.szOsFile bytes per open file: this header, then the base VFS's file.
struct FaultVfs::File {
  sqlite3_file header;  // first: SQLite sees a File* as a sqlite3_file*
  FaultVfs* owner;
  sqlite3_file* real;
  bool tracked;  // a database, write-ahead log or rollback journal
  std::string path;
};

namespace {

FaultVfs::File* AsFile(sqlite3_file* f) { return reinterpret_cast<FaultVfs::File*>(f); }

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteWhole(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void Overwrite(std::string& bytes, const void* buf, int amount, sqlite3_int64 offset) {
  const size_t end = static_cast<size_t>(offset) + static_cast<size_t>(amount);
  if (bytes.size() < end) bytes.resize(end, '\0');
  std::memcpy(bytes.data() + offset, buf, static_cast<size_t>(amount));
}

}  // namespace

FaultVfs::FaultVfs() {
  base_ = sqlite3_vfs_find(nullptr);
  vfs_.iVersion = 2;
  vfs_.szOsFile = static_cast<int>(sizeof(File)) + base_->szOsFile;
  vfs_.mxPathname = base_->mxPathname;
  vfs_.zName = "cordon-fault";
  vfs_.pAppData = this;
  vfs_.xOpen = &FaultVfs::Open;
  vfs_.xDelete = &FaultVfs::Delete;
  // The rest goes to the base VFS as is.
  vfs_.xAccess = [](sqlite3_vfs* v, const char* n, int flags, int* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xAccess(b, n, flags, out);
  };
  vfs_.xFullPathname = [](sqlite3_vfs* v, const char* n, int size, char* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xFullPathname(b, n, size, out);
  };
  vfs_.xDlOpen = [](sqlite3_vfs* v, const char* n) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xDlOpen(b, n);
  };
  vfs_.xDlError = [](sqlite3_vfs* v, int size, char* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    b->xDlError(b, size, out);
  };
  vfs_.xDlSym = [](sqlite3_vfs* v, void* h, const char* sym) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xDlSym(b, h, sym);
  };
  vfs_.xDlClose = [](sqlite3_vfs* v, void* h) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    b->xDlClose(b, h);
  };
  vfs_.xRandomness = [](sqlite3_vfs* v, int size, char* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xRandomness(b, size, out);
  };
  vfs_.xSleep = [](sqlite3_vfs* v, int micros) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xSleep(b, micros);
  };
  vfs_.xCurrentTime = [](sqlite3_vfs* v, double* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xCurrentTime(b, out);
  };
  vfs_.xGetLastError = [](sqlite3_vfs* v, int size, char* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xGetLastError(b, size, out);
  };
  vfs_.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* out) {
    sqlite3_vfs* b = static_cast<FaultVfs*>(v->pAppData)->base_;
    return b->xCurrentTimeInt64(b, out);
  };

  methods_.iVersion = 3;
  methods_.xClose = &FaultVfs::Close;
  methods_.xRead = &FaultVfs::Read;
  methods_.xWrite = &FaultVfs::Write;
  methods_.xTruncate = &FaultVfs::Truncate;
  methods_.xSync = &FaultVfs::Sync;
  methods_.xFileSize = &FaultVfs::FileSize;
  methods_.xLock = &FaultVfs::Lock;
  methods_.xUnlock = &FaultVfs::Unlock;
  methods_.xCheckReservedLock = &FaultVfs::CheckReservedLock;
  methods_.xFileControl = &FaultVfs::FileControl;
  methods_.xSectorSize = &FaultVfs::SectorSize;
  methods_.xDeviceCharacteristics = &FaultVfs::DeviceCharacteristics;
  methods_.xShmMap = &FaultVfs::ShmMap;
  methods_.xShmLock = &FaultVfs::ShmLock;
  methods_.xShmBarrier = &FaultVfs::ShmBarrier;
  methods_.xShmUnmap = &FaultVfs::ShmUnmap;
  methods_.xFetch = &FaultVfs::Fetch;
  methods_.xUnfetch = &FaultVfs::Unfetch;
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(base_, /*makeDflt=*/1);
}

void FaultVfs::FailFrom(int64_t n) {
  std::lock_guard lock(mu_);
  fail_from_ = n;
}

void FaultVfs::ImageAt(int64_t n, std::string crash_dir, std::string power_loss_dir) {
  std::lock_guard lock(mu_);
  image_at_ = n;
  crash_dir_ = std::move(crash_dir);
  power_loss_dir_ = std::move(power_loss_dir);
}

int64_t FaultVfs::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

int64_t FaultVfs::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

bool FaultVfs::imaged() const {
  std::lock_guard lock(mu_);
  return imaged_;
}

bool FaultVfs::BeforeWrite() {
  std::lock_guard lock(mu_);
  ++writes_;
  if (image_at_ != 0 && writes_ == image_at_ && !imaged_) SaveImages();
  return fail_from_ == 0 || writes_ < fail_from_;
}

void FaultVfs::SaveImages() {
  for (const auto& [path, shadow] : shadows_) {
    WriteWhole(crash_dir_ + "/" + BaseName(path), shadow.current);
    WriteWhole(power_loss_dir_ + "/" + BaseName(path), shadow.synced);
  }
  imaged_ = true;
}

int FaultVfs::Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
                   int* out_flags) {
  auto* self = static_cast<FaultVfs*>(vfs->pAppData);
  file->pMethods = nullptr;  // SQLite does not close a file whose open failed
  auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(File));
  const int rc = self->base_->xOpen(self->base_, name, real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  const int kinds = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL;
  const bool tracked = name != nullptr && (flags & kinds) != 0;
  File* f = new (file) File{sqlite3_file{&self->methods_}, self, real, tracked,
                            std::string(name != nullptr ? name : "")};
  if (tracked) {
    std::lock_guard lock(self->mu_);
    if (self->shadows_.count(f->path) == 0) {
      // What is on disk when the file is first opened counts as durable.
      Shadow& s = self->shadows_[f->path];
      s.current = ReadWhole(f->path);
      s.synced = s.current;
    }
  }
  return SQLITE_OK;
}

int FaultVfs::Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  auto* self = static_cast<FaultVfs*>(vfs->pAppData);
  {
    std::lock_guard lock(self->mu_);
    self->shadows_.erase(name);
  }
  return self->base_->xDelete(self->base_, name, sync_dir);
}

int FaultVfs::Close(sqlite3_file* file) {
  File* f = AsFile(file);
  const int rc = f->real->pMethods != nullptr ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  f->~File();
  return rc;
}

int FaultVfs::Read(sqlite3_file* file, void* buf, int amount, sqlite3_int64 offset) {
  File* f = AsFile(file);
  return f->real->pMethods->xRead(f->real, buf, amount, offset);
}

int FaultVfs::Write(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
  File* f = AsFile(file);
  if (!f->tracked) return f->real->pMethods->xWrite(f->real, buf, amount, offset);
  if (!f->owner->BeforeWrite()) return SQLITE_IOERR_WRITE;
  const int rc = f->real->pMethods->xWrite(f->real, buf, amount, offset);
  if (rc == SQLITE_OK) {
    std::lock_guard lock(f->owner->mu_);
    Overwrite(f->owner->shadows_[f->path].current, buf, amount, offset);
  }
  return rc;
}

int FaultVfs::Truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = AsFile(file);
  if (!f->tracked) return f->real->pMethods->xTruncate(f->real, size);
  if (!f->owner->BeforeWrite()) return SQLITE_IOERR_TRUNCATE;
  const int rc = f->real->pMethods->xTruncate(f->real, size);
  if (rc == SQLITE_OK) {
    std::lock_guard lock(f->owner->mu_);
    std::string& bytes = f->owner->shadows_[f->path].current;
    if (bytes.size() > static_cast<size_t>(size)) bytes.resize(static_cast<size_t>(size));
  }
  return rc;
}

int FaultVfs::Sync(sqlite3_file* file, int flags) {
  File* f = AsFile(file);
  if (!f->tracked) return f->real->pMethods->xSync(f->real, flags);
  {
    std::lock_guard lock(f->owner->mu_);
    if (f->owner->fail_from_ != 0 && f->owner->writes_ >= f->owner->fail_from_) {
      return SQLITE_IOERR_FSYNC;
    }
  }
  const int rc = f->real->pMethods->xSync(f->real, flags);
  if (rc == SQLITE_OK) {
    std::lock_guard lock(f->owner->mu_);
    Shadow& s = f->owner->shadows_[f->path];
    s.synced = s.current;
    ++f->owner->syncs_;
  }
  return rc;
}

int FaultVfs::FileSize(sqlite3_file* file, sqlite3_int64* size) {
  File* f = AsFile(file);
  return f->real->pMethods->xFileSize(f->real, size);
}

int FaultVfs::Lock(sqlite3_file* file, int level) {
  File* f = AsFile(file);
  return f->real->pMethods->xLock(f->real, level);
}

int FaultVfs::Unlock(sqlite3_file* file, int level) {
  File* f = AsFile(file);
  return f->real->pMethods->xUnlock(f->real, level);
}

int FaultVfs::CheckReservedLock(sqlite3_file* file, int* out) {
  File* f = AsFile(file);
  return f->real->pMethods->xCheckReservedLock(f->real, out);
}

int FaultVfs::FileControl(sqlite3_file* file, int op, void* arg) {
  File* f = AsFile(file);
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int FaultVfs::SectorSize(sqlite3_file* file) {
  File* f = AsFile(file);
  return f->real->pMethods->xSectorSize(f->real);
}

int FaultVfs::DeviceCharacteristics(sqlite3_file* file) {
  File* f = AsFile(file);
  return f->real->pMethods->xDeviceCharacteristics(f->real);
}

int FaultVfs::ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  File* f = AsFile(file);
  return f->real->pMethods->xShmMap(f->real, region, size, extend, out);
}

int FaultVfs::ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  File* f = AsFile(file);
  return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

void FaultVfs::ShmBarrier(sqlite3_file* file) {
  File* f = AsFile(file);
  f->real->pMethods->xShmBarrier(f->real);
}

int FaultVfs::ShmUnmap(sqlite3_file* file, int delete_flag) {
  File* f = AsFile(file);
  return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

int FaultVfs::Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  // No memory-mapped reads: every page comes through Read, which sees the base file.
  (void)file, (void)offset, (void)amount;
  *out = nullptr;
  return SQLITE_OK;
}

int FaultVfs::Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
  (void)file, (void)offset, (void)p;
  return SQLITE_OK;
}

}  // namespace cordon::testing
