#include "cordon/store/bank_table.h"

#include "cordon/store/sql.h"

namespace cordon {
namespace {

// Names the database in an error that does not name a place already.
Status Located(Store& store, const Status& s) { return s.At(Location{store.path()}); }

}  // namespace

// A SAVEPOINT works inside and outside a transaction (ingest may hold one on this connection).
BankChange::BankChange(Store& store) : store_(store) {
  own_ = !StoreHandle(store_)->InTransaction();
  if (own_) status_ = store_.Begin();
  if (status_.ok()) status_ = Exec(StoreHandle(store_), "SAVEPOINT bank_change");
  status_ = Located(store_, status_);
}

BankChange::~BankChange() {
  Db* db = StoreHandle(store_);
  if (status_.ok() && !done_) {
    (void)Exec(db, "ROLLBACK TO bank_change");
    (void)Exec(db, "RELEASE bank_change");
  }
  if (own_ && !done_ && db->InTransaction()) (void)Exec(db, "ROLLBACK");
}

Status BankChange::Commit() {
  Db* db = StoreHandle(store_);
  done_ = true;
  Status s = Exec(db, "RELEASE bank_change");
  if (!own_) return Located(store_, s);
  if (s.ok()) return Located(store_, Exec(db, "COMMIT"));
  (void)Exec(db, "ROLLBACK");
  return Located(store_, s);
}

StatusOr<bool> BumpBankGeneration(Store& store, std::string_view bank) {
  Status s = Exec(StoreHandle(store),
                  "INSERT INTO bank_state(id, generation) VALUES(1, 1) "
                  "ON CONFLICT(id) DO UPDATE SET generation = bank_state.generation + 1");
  if (!s.ok()) return Located(store, s);
  Statement q(StoreHandle(store),
              "UPDATE banks SET version = (SELECT generation FROM bank_state WHERE id = 1) "
              "WHERE name = ?1");
  if (!q.ok()) return Located(store, q.status());
  s = q.Bind(1, bank).Run();
  if (!s.ok()) return Located(store, s);
  return StoreHandle(store)->Changes() != 0;
}

StatusOr<int64_t> ReadBankGeneration(Store& store) {
  Statement q(StoreHandle(store), "SELECT generation FROM bank_state WHERE id = 1");
  if (!q.ok()) return Located(store, q.status());
  const int64_t g = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return Located(store, q.status());
  return g;
}

Status UpsertBank(Store& store, const BankInfo& bank) {
  Statement q(StoreHandle(store),
              "INSERT INTO banks(name, label, provenance, created, version) VALUES(?1,?2,?3,?4,0) "
              "ON CONFLICT(name) DO UPDATE SET label = excluded.label, "
              "provenance = excluded.provenance");
  if (!q.ok()) return Located(store, q.status());
  return Located(store, q.Bind(1, bank.name)
                            .BindOrNull(2, bank.label)
                            .BindOrNull(3, bank.provenance)
                            .Bind(4, bank.created)
                            .Run());
}

StatusOr<bool> DeleteBankRows(Store& store, std::string_view name) {
  Statement del(StoreHandle(store), "DELETE FROM banks WHERE name = ?1");
  if (!del.ok()) return Located(store, del.status());
  Status s = del.Bind(1, name).Run();
  if (!s.ok()) return Located(store, s);
  if (StoreHandle(store)->Changes() == 0) return false;
  Statement ent(StoreHandle(store), "DELETE FROM bank_entries WHERE bank = ?1");
  if (!ent.ok()) return Located(store, ent.status());
  s = ent.Bind(1, name).Run();
  if (!s.ok()) return Located(store, s);
  return true;
}

StatusOr<std::vector<BankInfo>> ReadBanks(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT b.name, b.label, b.provenance, b.created, b.version, "
              "(SELECT count(*) FROM bank_entries e WHERE e.bank = b.name) "
              "FROM banks b ORDER BY b.name");
  if (!q.ok()) return Located(store, q.status());
  std::vector<BankInfo> out;
  while (q.Step()) {
    BankInfo b;
    b.name = q.Text(0);
    b.label = q.Text(1);
    b.provenance = q.Text(2);
    b.created = q.Int(3);
    b.version = q.Int(4);
    b.entries = q.Int(5);
    out.push_back(std::move(b));
  }
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

StatusOr<int64_t> CountBankEntries(Store& store, std::string_view bank) {
  Statement q(StoreHandle(store), "SELECT count(*) FROM bank_entries WHERE bank = ?1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, bank);
  const int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return Located(store, q.status());
  return n;
}

struct BankEntryWriter::Rep {
  Statement upsert;
  Status status;
};

BankEntryWriter::BankEntryWriter(Store& store) : store_(store), rep_(std::make_unique<Rep>()) {
  rep_->upsert =
      Statement(StoreHandle(store),
                "INSERT INTO bank_entries(bank, signal_type, signal, label, provenance, added, "
                "digest, fingerprint) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) "
                "ON CONFLICT(bank, signal_type, signal) DO UPDATE SET label = excluded.label, "
                "provenance = excluded.provenance");
  if (!rep_->upsert.ok()) rep_->status = Located(store, rep_->upsert.status());
}

BankEntryWriter::~BankEntryWriter() = default;

const Status& BankEntryWriter::status() const { return rep_->status; }

Status BankEntryWriter::Put(std::string_view bank, const BankEntryRow& e) {
  if (!rep_->status.ok()) return rep_->status;
  return Located(store_, rep_->upsert.Bind(1, bank)
                             .Bind(2, e.signal_type)
                             .Bind(3, e.signal)
                             .BindOrNull(4, e.label)
                             .BindOrNull(5, e.provenance)
                             .Bind(6, e.added)
                             .BindOrNull(7, e.digest)
                             .BindOrNull(8, e.fingerprint)
                             .Run());
}

StatusOr<int64_t> DeleteBankEntryRows(Store& store, std::string_view bank,
                                      const std::vector<BankSignalKey>& keys) {
  Statement q(StoreHandle(store),
              "DELETE FROM bank_entries WHERE bank = ?1 AND signal_type = ?2 AND signal = ?3");
  if (!q.ok()) return Located(store, q.status());
  int64_t removed = 0;
  for (const BankSignalKey& k : keys) {
    Status s = q.Bind(1, bank).Bind(2, k.signal_type).Bind(3, k.signal).Run();
    if (!s.ok()) return Located(store, s);
    removed += StoreHandle(store)->Changes();
  }
  return removed;
}

Status ForEachBankEntryRow(Store& store, std::string_view bank,
                           const std::function<Status(const BankEntryRow&)>& f) {
  Statement q(StoreHandle(store),
              "SELECT signal_type, signal, label, provenance, added, digest, fingerprint "
              "FROM bank_entries WHERE bank = ?1 ORDER BY signal_type, signal");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, bank);
  BankEntryRow e;
  while (q.Step()) {
    e.signal_type = q.Text(0);
    e.signal = q.Text(1);
    e.label = q.Text(2);
    e.provenance = q.Text(3);
    e.added = q.Int(4);
    e.digest = q.Text(5);
    e.fingerprint = q.Text(6);
    Status s = f(e);
    if (!s.ok()) return s;
  }
  return Located(store, q.status());
}

}  // namespace cordon
