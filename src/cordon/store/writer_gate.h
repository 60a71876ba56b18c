// Turn-taking among the writers of one database: connections, threads and processes.
//
// SQLite's busy handler polls for the write lock. A writer that commits and begins its next
// transaction at once (ingest does, batch after batch) takes the lock back long before a
// waiting writer polls again, so the waiting one may wait out the other's whole run and fail
// with "database is locked". Writers therefore pass a gate first: an exclusive Linux open file
// description lock on the file "<database>-gate", held only while waiting for the write lock.
// The writer that has just committed queues at the gate behind the one waiting for the lock,
// so the two alternate transaction by transaction.
//
// When the gate file cannot be opened (a read-only directory) the gate lets everyone through:
// writers then rely on the busy timeout alone.
//
// Thread safety: one WriterGate per Store, used by its thread; gates of different Stores
// exclude each other, in one process or several.
#pragma once

#include <string>

namespace cordon {

class WriterGate {
 public:
  WriterGate() = default;
  ~WriterGate();
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  // Opens (creating) the gate of the database at db_path, once; later calls do nothing.
  // Errors leave the gate open to all.
  void Open(const std::string& db_path);
  // Waits for this writer's turn, at most timeout_ms; false when the time ran out (the caller
  // goes on without the gate).
  bool Enter(int timeout_ms);
  // Lets the next writer through; no-op when not entered.
  void Leave();

 private:
  int fd_ = -1;
  bool opened_ = false;
  bool held_ = false;
};

}  // namespace cordon
