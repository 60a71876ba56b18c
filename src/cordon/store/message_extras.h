// The optional fields of a message beyond the v1 columns (events v1.1: edit time, reaction and
// poll counts, forum thread), kept in table message_extras, one row per message that has any.
// Store::Apply writes them through this class; replay reads them back (store/replay.h).
//
// A message seen again (a later export of the same chat) keeps its row, except that a later
// edit replaces its text and links and records the edit time, and higher reaction and poll
// counts are taken (like views).
//
// Thread safety: belongs to its Store's connection; one thread at a time.
#pragma once

#include <cstdint>
#include <optional>

#include "cordon/model/event.h"
#include "cordon/store/sql.h"
#include "cordon/util/status.h"

namespace cordon {

class MessageExtrasWriter {
 public:
  // Prepares the statements on `db` (a store at schema 7 or later).
  explicit MessageExtrasWriter(Db* db);
  Status status() const;

  // Whether the message carries anything for this table.
  static bool Has(const MessageEvent& m) {
    return m.edited || m.reactions || m.poll_voters || !m.thread.empty();
  }
  // After a new message row `message_id` was inserted for m.
  Status Inserted(int64_t message_id, const MessageEvent& m);
  // After m was applied again to the row it already has. Sets *changed when a later edit
  // replaced its text (what a replay gives back differs); higher counts alone do not. `row`:
  // the row's id when the caller knows it (a load without the key index), else found by key.
  Status SeenAgain(const MessageEvent& m, std::optional<int64_t> row, bool* changed);

 private:
  Status WriteLinks(int64_t message_id, const MessageEvent& m);

  Statement insert_, find_, find_by_id_, update_, set_text_, delete_links_, link_;
};

}  // namespace cordon
