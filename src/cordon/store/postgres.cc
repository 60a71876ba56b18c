#include "cordon/store/postgres.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <vector>

#include "cordon/store/postgres_schema.h"
#include "cordon/store/store.h"
#include "cordon/util/digest.h"

#ifdef CORDON_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

namespace cordon {
namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Consumes one word (letters, digits, '_') after optional whitespace; empty when none.
std::string_view Word(std::string_view s, size_t* pos) {
  while (*pos < s.size() && std::isspace(static_cast<unsigned char>(s[*pos]))) ++*pos;
  const size_t start = *pos;
  while (*pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[*pos])) || s[*pos] == '_')) {
    ++*pos;
  }
  return s.substr(start, *pos - start);
}

bool EqualsNoCase(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() && StartsWithNoCase(a, lower);
}

// `?N` -> `$N`, a bare `?` -> the next number (as SQLite numbers it), outside string literals,
// quoted identifiers and comments.
std::string RewritePlaceholders(std::string_view sql, int* params) {
  std::string out;
  out.reserve(sql.size() + 8);
  int highest = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const size_t end = sql.find(c, i + 1);
      const size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])) && n < 100000) {
        n = n * 10 + (sql[j] - '0');
        ++j;
      }
      if (j == i + 1) n = highest + 1;
      highest = std::max(highest, n);
      out += '$';
      out += std::to_string(n);
      i = j - 1;
    } else {
      out += c;
    }
  }
  *params = highest;
  return out;
}

std::string_view TrimEnd(std::string_view s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

bool IsPostgresUrl(std::string_view db) {
  return StartsWithNoCase(db, "postgresql://") || StartsWithNoCase(db, "postgres://");
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = out.find_first_of("/?#", start);
    const size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at != std::string::npos && at >= start) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // A password given as a parameter: ?password=...&... (any case).
  for (size_t q = out.find_first_of("?&"); q != std::string::npos;
       q = out.find_first_of("?&", q + 1)) {
    if (StartsWithNoCase(std::string_view(out).substr(q + 1), "password=")) {
      const size_t end = out.find('&', q + 1);
      out.erase(q + 1, (end == std::string::npos ? out.size() : end + 1) - (q + 1));
      if (q + 1 == out.size() || out[q + 1] == '#') out.erase(q, 1);
      --q;  // look again at this position
      if (q == std::string::npos) break;
    }
  }
  return out;
}

StatusOr<PostgresSql> RewriteForPostgres(std::string_view sql) {
  PostgresSql out;
  size_t pos = 0;
  std::string_view body = sql;
  std::string tail;
  if (EqualsNoCase(Word(sql, &pos), "insert")) {
    size_t after_or = pos;
    if (EqualsNoCase(Word(sql, &after_or), "or")) {
      size_t after_verb = after_or;
      const std::string_view verb = Word(sql, &after_verb);
      size_t after_into = after_verb;
      if (!EqualsNoCase(Word(sql, &after_into), "into")) {
        return Status::InvalidArgument("cannot rewrite for PostgreSQL: " +
                                       std::string(sql.substr(0, 80)));
      }
      body = TrimEnd(sql.substr(after_into));
      while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) {
        body.remove_prefix(1);
      }
      if (EqualsNoCase(verb, "ignore")) {
        tail = " ON CONFLICT DO NOTHING";
      } else if (EqualsNoCase(verb, "replace")) {
        size_t p = after_into;
        const std::string_view table = Word(sql, &p);
        while (p < sql.size() && std::isspace(static_cast<unsigned char>(sql[p]))) ++p;
        const size_t close = sql.find(')', p);
        if (table.empty() || p >= sql.size() || sql[p] != '(' || close == std::string::npos) {
          return Status::InvalidArgument("cannot rewrite for PostgreSQL: " +
                                         std::string(sql.substr(0, 80)));
        }
        tail = " ON CONFLICT ON CONSTRAINT " + std::string(table) + "_pkey DO UPDATE SET ";
        size_t c = p + 1;
        bool first = true;
        for (std::string_view col = Word(sql, &c); !col.empty(); col = Word(sql, &c)) {
          tail += (first ? "" : ", ") + std::string(col) + " = EXCLUDED." + std::string(col);
          first = false;
          while (c < close && (sql[c] == ',' || std::isspace(static_cast<unsigned char>(sql[c])))) {
            ++c;
          }
          if (c >= close) break;
        }
      } else {
        return Status::InvalidArgument("cannot rewrite for PostgreSQL: " +
                                       std::string(sql.substr(0, 80)));
      }
      out.sql = "INSERT INTO ";
    }
  }
  out.sql += RewritePlaceholders(body, &out.params);
  out.sql += tail;
  return out;
}

#ifndef CORDON_HAVE_LIBPQ

bool PostgresAvailable() { return false; }

StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url, const StoreOptions&) {
  return Status::Unsupported(
      "this cordon was built without PostgreSQL support (libpq); rebuild with libpq-dev "
      "installed, or use a SQLite file",
      Location{RedactUrl(url)});
}

#else

bool PostgresAvailable() { return true; }

namespace {

// The key of the advisory lock writers hold for their transaction ("cordon" in ASCII).
constexpr int64_t kWriterLock = 0x636f72646f6e;

constexpr unsigned kInt8Oid = 20;
constexpr unsigned kFloat8Oid = 701;
constexpr unsigned kByteaOid = 17;

void IgnoreNotice(void*, const char*) {}

class PgDb;

class PgCursor final : public SqlCursor {
 public:
  PgCursor(PgDb* db, PostgresSql sql);
  ~PgCursor() override;

  void BindText(int i, std::string_view v) override { Set(i, std::string(v), 0); }
  void BindInt(int i, int64_t v) override { Set(i, std::to_string(v), kInt8Oid); }
  void BindDouble(int i, double v) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    Set(i, buf, kFloat8Oid);
  }
  // bytea's text input form, \x and hex digits (parameters are text here).
  void BindBlob(int i, std::string_view v) override { Set(i, "\\x" + HexBytes(v), kByteaOid); }
  void BindNull(int i) override {
    if (i >= 1 && i <= sql_.params) {
      null_[i - 1] = true;
      types_[i - 1] = 0;
    }
  }

  bool Step(Status* status) override;
  Status Run() override;
  void Reset() override {
    Clear();
    std::fill(null_.begin(), null_.end(), true);
    std::fill(types_.begin(), types_.end(), 0u);
  }

  int64_t Int(int col) const override {
    const char* v = Value(col);
    if (v == nullptr) return 0;
    if (v[0] == 't' && v[1] == '\0') return 1;  // booleans, as SQLite gives them
    if (v[0] == 'f' && v[1] == '\0') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  double Double(int col) const override {
    const char* v = Value(col);
    return v == nullptr ? 0.0 : std::strtod(v, nullptr);
  }
  std::string_view Text(int col) const override {
    const char* v = Value(col);
    if (v == nullptr) return {};
    return std::string_view(v, static_cast<size_t>(PQgetlength(res_, row_, col)));
  }
  bool IsNull(int col) const override { return Value(col) == nullptr; }
  // bytea as the server sends it in text (hex or the older escape form), decoded by libpq into
  // a buffer of the cursor's; empty for NULL or what libpq cannot decode.
  std::string_view Blob(int col) const override {
    blob_.clear();
    const char* v = Value(col);
    if (v == nullptr) return blob_;
    size_t n = 0;
    unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
    if (raw == nullptr) return blob_;
    blob_.assign(reinterpret_cast<const char*>(raw), n);
    PQfreemem(raw);
    return blob_;
  }
  int ColumnCount() const override { return res_ != nullptr ? PQnfields(res_) : 0; }

 private:
  void Set(int i, std::string v, unsigned type) {
    if (i < 1 || i > sql_.params) return;  // SQLite ignores an index out of range as well
    values_[i - 1] = std::move(v);
    null_[i - 1] = false;
    types_[i - 1] = type;
  }
  const char* Value(int col) const {
    if (res_ == nullptr || row_ < 0 || row_ >= rows_ || col < 0 || col >= PQnfields(res_) ||
        PQgetisnull(res_, row_, col)) {
      return nullptr;
    }
    return PQgetvalue(res_, row_, col);
  }
  void Clear() {
    if (res_ != nullptr) PQclear(res_);
    res_ = nullptr;
    row_ = -1;
    rows_ = 0;
    done_ = false;
  }
  Status Execute();
  void PrepareOnServer();

  PgDb* db_;
  std::shared_ptr<bool> db_alive_;
  // A statement run a second time is prepared on the server (named): later runs skip parsing
  // and planning, about half the time of a small upsert. Types as bound when it was prepared.
  std::string name_;
  std::vector<unsigned> prepared_types_;
  int executions_ = 0;
  PostgresSql sql_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<unsigned> types_;
  PGresult* res_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
  bool done_ = false;
  mutable std::string blob_;  // Blob's last decoded column
};

class PgDb final : public Db {
 public:
  PgDb(PGconn* conn, std::string url, std::string password)
      : conn_(conn), where_(Location{std::move(url)}), password_(std::move(password)) {}
  ~PgDb() override {
    *alive_ = false;
    PQfinish(conn_);
  }

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  const Location& where() const override { return where_; }

  std::unique_ptr<SqlCursor> Prepare(std::string_view sql, Status* status) override {
    auto rewritten = RewriteForPostgres(sql);
    if (!rewritten.ok()) {
      *status = rewritten.status().At(where_);
      return nullptr;
    }
    return std::make_unique<PgCursor>(this, std::move(*rewritten));
  }

  Status Exec(std::string_view sql) override {
    // One INSERT OR IGNORE/REPLACE is rewritten as Prepare does; other SQL runs as written
    // (several statements, no parameters).
    std::string text(sql);
    size_t pos = 0;
    if (EqualsNoCase(Word(sql, &pos), "insert") && EqualsNoCase(Word(sql, &pos), "or")) {
      ASSIGN_OR_RETURN(PostgresSql rewritten, RewriteForPostgres(sql));
      text = std::move(rewritten.sql);
    }
    PGresult* res = PQexec(conn_, text.c_str());
    Status s = Check(res, sql);
    if (res != nullptr) PQclear(res);
    return s;
  }

  int64_t Changes() const override { return changes_; }
  bool InTransaction() const override { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

  Status BeginWrite() override {
    Status s = Exec("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
                    std::to_string(kWriterLock) + ")");
    if (!s.ok() && InTransaction()) (void)Exec("ROLLBACK");
    return s;
  }
  Status BeginRead() override { return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); }

  StatusOr<int64_t> SchemaVersion() override {
    Statement exists(this, "SELECT to_regclass('cordon_schema') IS NOT NULL");
    if (!exists.Step()) {
      RETURN_IF_ERROR(exists.status());
      return int64_t{0};
    }
    if (exists.Int(0) == 0) return int64_t{0};
    Statement q(this, "SELECT max(version) FROM cordon_schema");
    const int64_t version = q.Step() ? q.Int(0) : 0;
    RETURN_IF_ERROR(q.status());
    return version;
  }
  Status SetSchemaVersion(int64_t version) override {
    return Exec(
        "CREATE TABLE IF NOT EXISTS cordon_schema(version BIGINT NOT NULL);"
        "DELETE FROM cordon_schema; INSERT INTO cordon_schema VALUES(" +
        std::to_string(version) + ")");
  }
  std::string Migration(size_t version) const override { return PostgresMigration(version); }

  // Ok for a result that succeeded; otherwise an I/O error with the server's message.
  Status Check(PGresult* res, std::string_view sql) {
    const ExecStatusType st = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      const std::string_view tag = PQcmdStatus(res);
      if (tag.starts_with("INSERT") || tag.starts_with("UPDATE") || tag.starts_with("DELETE")) {
        changes_ = std::strtoll(PQcmdTuples(res), nullptr, 10);
      }
      // COMMIT of a transaction an earlier statement failed in rolls back without an error.
      if (tag == "ROLLBACK" && EqualsNoCase(sql, "commit")) {
        return Status::IoError(
            "postgresql: the transaction was rolled back (a statement in it "
            "failed earlier)",
            where_);
      }
      return Status::Ok();
    }
    std::string m = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    if (m.empty()) m = "error";
    return Status::IoError("postgresql: " + Scrub(m) + " in: " + std::string(sql.substr(0, 120)),
                           where_);
  }
  // Removes the password from a message of the server or libpq, should one ever carry it.
  std::string Scrub(std::string m) const {
    if (password_.empty()) return m;
    for (size_t p = m.find(password_); p != std::string::npos; p = m.find(password_, p)) {
      m.replace(p, password_.size(), "***");
    }
    return m;
  }

  PGconn* conn_;
  Location where_;
  std::string password_;
  int64_t changes_ = 0;
  int64_t prepared_ = 0;  // names handed out
  // False once the connection is closed: a cursor outliving it deallocates nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

PgCursor::PgCursor(PgDb* db, PostgresSql sql)
    : db_(db),
      db_alive_(db->alive_),
      sql_(std::move(sql)),
      values_(static_cast<size_t>(sql_.params)),
      null_(static_cast<size_t>(sql_.params), true),
      types_(static_cast<size_t>(sql_.params), 0u) {}

PgCursor::~PgCursor() {
  Clear();
  if (!name_.empty() && *db_alive_) {
    PGresult* r = PQexec(db_->conn_, ("DEALLOCATE " + name_).c_str());
    if (r != nullptr) PQclear(r);
  }
}

void PgCursor::PrepareOnServer() {
  const std::string name = "cordon_" + std::to_string(++db_->prepared_);
  PGresult* r = PQprepare(db_->conn_, name.c_str(), sql_.sql.c_str(), sql_.params, types_.data());
  // It ran with these types already, so this only fails as that run would have.
  if (r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK) {
    name_ = name;
    prepared_types_ = types_;
  }
  if (r != nullptr) PQclear(r);
}

Status PgCursor::Execute() {
  Clear();
  std::vector<const char*> values(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) values[i] = null_[i] ? nullptr : values_[i].c_str();
  if (name_.empty() && executions_ == 1) PrepareOnServer();
  ++executions_;
  if (!name_.empty() && types_ == prepared_types_) {
    res_ =
        PQexecPrepared(db_->conn_, name_.c_str(), sql_.params, values.data(), nullptr, nullptr, 0);
  } else {
    res_ = PQexecParams(db_->conn_, sql_.sql.c_str(), sql_.params, types_.data(), values.data(),
                        nullptr, nullptr, 0);
  }
  Status s = db_->Check(res_, sql_.sql);
  if (!s.ok()) {
    Clear();
    return s;
  }
  rows_ = PQntuples(res_);
  return Status::Ok();
}

bool PgCursor::Step(Status* status) {
  if (res_ == nullptr || done_) {
    Status s = Execute();
    if (!s.ok()) {
      *status = s;
      done_ = true;
      return false;
    }
  }
  ++row_;
  if (row_ < rows_) return true;
  done_ = true;
  return false;
}

Status PgCursor::Run() {
  Status s;
  if (res_ == nullptr || done_) s = Execute();
  Reset();
  return s;
}

}  // namespace

StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url, const StoreOptions& options) {
  const std::string shown = RedactUrl(url);
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string why = parse_error != nullptr ? parse_error : "cannot parse";
    PQfreemem(parse_error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Status::InvalidArgument("not a PostgreSQL connection URI: " + why, Location{shown});
  }
  std::string password;
  for (const PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(parsed);

  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return Status::IoError("cannot connect: out of memory", Location{shown});
  auto db = std::make_unique<PgDb>(conn, shown, password);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string m = PQerrorMessage(conn);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return Status::IoError("cannot connect to PostgreSQL: " + db->Scrub(m), Location{shown});
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  // lock_timeout plays SQLite's busy timeout; synchronous_commit its synchronous=FULL/NORMAL:
  // off loses at most the last commits in a server crash, never corrupts (docs/design.md).
  RETURN_IF_ERROR(
      db->Exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET lock_timeout = " +
               std::to_string(std::max(0, options.busy_timeout_ms)) +
               "; SET synchronous_commit = " + (options.durable ? "on" : "off")));
  return std::unique_ptr<Db>(std::move(db));
}

#endif  // CORDON_HAVE_LIBPQ

}  // namespace cordon
