// A SQLite VFS shim for fault-injection tests, in the manner of leveldb's fault_injection_test:
// it wraps the default VFS, numbers every write to a database or write-ahead log, and at a
// chosen write either starts failing (a disk that errors from then on) or saves two images of
// the files as they would be found after
//   - a process crash: everything written so far (the kernel keeps it), and
//   - a power loss: only what was synced (xSync) before; unsynced writes are dropped.
//
// While a FaultVfs exists it is SQLite's default VFS, so a Store opened then goes through it.
// Thread safety: one at a time per process; the store's threads may call it concurrently
// (a mutex guards its state).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace cordon::testing {

class FaultVfs {
 public:
  FaultVfs();
  ~FaultVfs();  // restores the previous default VFS; every connection must be closed by then
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // From write number `n` (1-based) on, writes, truncations and syncs fail with SQLITE_IOERR.
  void FailFrom(int64_t n);
  // Just before write number `n`, saves the crash and power-loss images into the two
  // directories (files named as the originals; absent ones left out).
  void ImageAt(int64_t n, std::string crash_dir, std::string power_loss_dir);

  int64_t writes() const;
  int64_t syncs() const;
  bool imaged() const;

  struct File;  // an open file as SQLite sees it (fault_vfs.cc)

 private:
  struct Shadow {
    std::string current;  // the file's bytes as written
    std::string synced;   // its bytes at the last sync
  };
  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags,
                  int* out_flags);
  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir);
  static int Close(sqlite3_file* f);
  static int Read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset);
  static int Write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset);
  static int Truncate(sqlite3_file* f, sqlite3_int64 size);
  static int Sync(sqlite3_file* f, int flags);
  static int FileSize(sqlite3_file* f, sqlite3_int64* size);
  static int Lock(sqlite3_file* f, int level);
  static int Unlock(sqlite3_file* f, int level);
  static int CheckReservedLock(sqlite3_file* f, int* out);
  static int FileControl(sqlite3_file* f, int op, void* arg);
  static int SectorSize(sqlite3_file* f);
  static int DeviceCharacteristics(sqlite3_file* f);
  static int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out);
  static int ShmLock(sqlite3_file* f, int offset, int n, int flags);
  static void ShmBarrier(sqlite3_file* f);
  static int ShmUnmap(sqlite3_file* f, int delete_flag);
  static int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out);
  static int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p);

  // Counts a write-like operation on a tracked file; false when it must fail.
  bool BeforeWrite();
  void SaveImages();

  sqlite3_vfs vfs_{};
  sqlite3_vfs* base_ = nullptr;
  sqlite3_io_methods methods_{};
  mutable std::mutex mu_;
  std::map<std::string, Shadow> shadows_;  // by path: database and write-ahead log files
  int64_t writes_ = 0;
  int64_t syncs_ = 0;
  int64_t fail_from_ = 0;  // 0: never
  int64_t image_at_ = 0;   // 0: never
  bool imaged_ = false;
  std::string crash_dir_, power_loss_dir_;
};

}  // namespace cordon::testing
