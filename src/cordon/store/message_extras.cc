#include "cordon/store/message_extras.h"

#include "cordon/model/links.h"

namespace cordon {

MessageExtrasWriter::MessageExtrasWriter(Db* db)
    : insert_(db,
              "INSERT OR IGNORE INTO message_extras(message_id, edited, reactions, poll_voters, "
              "thread) VALUES(?1,?2,?3,?4,?5)"),
      find_(db,
            "SELECT m.id, e.edited FROM messages m LEFT JOIN message_extras e "
            "ON e.message_id = m.id WHERE m.key = ?1"),
      find_by_id_(db,
                  "SELECT m.id, e.edited FROM messages m LEFT JOIN message_extras e "
                  "ON e.message_id = m.id WHERE m.id = ?1"),
      // Counts only grow, as views do; the thread is kept once known.
      update_(db,
              "INSERT INTO message_extras(message_id, edited, reactions, poll_voters, thread) "
              "VALUES(?1,?2,?3,?4,?5) ON CONFLICT(message_id) DO UPDATE SET "
              "edited = max(coalesce(message_extras.edited, excluded.edited), "
              "coalesce(excluded.edited, message_extras.edited)),"
              "reactions = max(coalesce(message_extras.reactions, excluded.reactions), "
              "coalesce(excluded.reactions, message_extras.reactions)),"
              "poll_voters = max(coalesce(message_extras.poll_voters, excluded.poll_voters), "
              "coalesce(excluded.poll_voters, message_extras.poll_voters)),"
              "thread = coalesce(message_extras.thread, excluded.thread) "
              "WHERE excluded.edited > coalesce(message_extras.edited, -9000000000000000000) OR "
              "excluded.reactions > coalesce(message_extras.reactions, -1) OR "
              "excluded.poll_voters > coalesce(message_extras.poll_voters, -1) OR "
              "(message_extras.thread IS NULL AND excluded.thread IS NOT NULL)"),
      set_text_(db, "UPDATE messages SET text = ?2 WHERE id = ?1"),
      delete_links_(db, "DELETE FROM links WHERE message_id = ?1"),
      link_(db,
            "INSERT OR IGNORE INTO links(message_id, idx, url, normalized, platform, kind, "
            "target) VALUES(?1,?2,?3,?4,?5,?6,?7)") {}

Status MessageExtrasWriter::status() const {
  for (const Statement* s :
       {&insert_, &find_, &find_by_id_, &update_, &set_text_, &delete_links_, &link_}) {
    if (!s->ok()) return s->status();
  }
  return Status::Ok();
}

Status MessageExtrasWriter::Inserted(int64_t message_id, const MessageEvent& m) {
  if (!Has(m)) return Status::Ok();
  return insert_.Bind(1, message_id)
      .Bind(2, m.edited)
      .Bind(3, m.reactions)
      .Bind(4, m.poll_voters)
      .BindOrNull(5, m.thread)
      .Run();
}

Status MessageExtrasWriter::WriteLinks(int64_t message_id, const MessageEvent& m) {
  RETURN_IF_ERROR(delete_links_.Bind(1, message_id).Run());
  for (size_t i = 0; i < m.links.size(); ++i) {
    link_.Bind(1, message_id).Bind(2, static_cast<int64_t>(i)).Bind(3, m.links[i]);
    if (auto l = NormalizeLink(m.links[i])) {
      link_.Bind(4, l->normalized).Bind(5, l->platform).Bind(6, l->kind).Bind(7, l->target);
    } else {
      link_.BindNull(4).BindNull(5).BindNull(6).BindNull(7);
    }
    RETURN_IF_ERROR(link_.Run());
  }
  return Status::Ok();
}

Status MessageExtrasWriter::SeenAgain(const MessageEvent& m, std::optional<int64_t> row,
                                      bool* changed) {
  *changed = false;
  if (!Has(m)) return Status::Ok();
  Statement& find = row ? find_by_id_ : find_;
  if (row) {
    find.Bind(1, *row);
  } else {
    find.Bind(1, m.key);
  }
  if (!find.Step()) {
    Status s = find.status();
    find.Reset();
    return s;
  }
  const int64_t id = find.Int(0);
  const std::optional<TimeMs> stored_edit =
      find.IsNull(1) ? std::nullopt : std::optional<TimeMs>(find.Int(1));
  find.Reset();
  // A later edit than the one stored: its text is the message's text now.
  if (m.edited && (!stored_edit || *m.edited > *stored_edit)) {
    RETURN_IF_ERROR(set_text_.Bind(1, id).BindOrNull(2, m.text).Run());
    RETURN_IF_ERROR(WriteLinks(id, m));
    *changed = true;
  }
  RETURN_IF_ERROR(update_.Bind(1, id)
                      .Bind(2, m.edited)
                      .Bind(3, m.reactions)
                      .Bind(4, m.poll_voters)
                      .BindOrNull(5, m.thread)
                      .Run());
  return Status::Ok();
}

}  // namespace cordon
