#include "vault/borrow/borrow_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <map>
#include <sstream>

#include "vault/metadata/sqlite_util.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;

namespace vault {
namespace {

constexpr char kBorrowColumns[] =
    "id, borrower, borrower_department, purpose, kind, period_seconds, rule, chain, step, round, renewals, state, "
    "resume_state, requested_at, approved_at, issued_at, due_at, closed_at, suspended, escalated, note, revision, issue_claim";
constexpr char kItemColumns[] =
    "borrow_id, position, document_id, archive_number, title, classification, doc_type, department, version, "
    "export_id, copy_artifact, issued_sha256, issued_pages, returned_sha256, returned_pages, evidence_artifact, "
    "result, returned_at";

Status DbError(const Poco::Exception& e) { return sqlite::DbError("borrow.db_error", "borrow store", e); }

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

Borrow BorrowFromRow(RecordSet& rs) {
  Borrow b;
  b.id = sqlite::Text(rs, "id");
  b.borrower = sqlite::Text(rs, "borrower");
  b.borrower_department = sqlite::Text(rs, "borrower_department");
  b.purpose = sqlite::Text(rs, "purpose");
  b.kind = sqlite::Text(rs, "kind");
  b.period = Seconds(sqlite::Int(rs, "period_seconds"));
  b.rule = sqlite::Text(rs, "rule");
  b.chain = Split(sqlite::Text(rs, "chain"));
  b.step = static_cast<int>(sqlite::Int(rs, "step"));
  b.round = static_cast<int>(sqlite::Int(rs, "round"));
  b.renewals = static_cast<int>(sqlite::Int(rs, "renewals"));
  b.state = sqlite::Text(rs, "state");
  b.resume_state = sqlite::Text(rs, "resume_state");
  b.requested_at = sqlite::Text(rs, "requested_at");
  b.approved_at = sqlite::Text(rs, "approved_at");
  b.issued_at = sqlite::Text(rs, "issued_at");
  b.due_at = sqlite::Text(rs, "due_at");
  b.closed_at = sqlite::Text(rs, "closed_at");
  b.suspended = sqlite::Int(rs, "suspended") != 0;
  b.escalated = sqlite::Int(rs, "escalated") != 0;
  b.note = sqlite::Text(rs, "note");
  b.revision = sqlite::Int(rs, "revision");
  b.issue_claim = sqlite::Text(rs, "issue_claim");
  return b;
}

BorrowItem ItemFromRow(RecordSet& rs) {
  BorrowItem i;
  i.position = static_cast<int>(sqlite::Int(rs, "position"));
  i.document_id = sqlite::Text(rs, "document_id");
  i.archive_number = sqlite::Text(rs, "archive_number");
  i.title = sqlite::Text(rs, "title");
  i.classification = sqlite::Text(rs, "classification");
  i.doc_type = sqlite::Text(rs, "doc_type");
  i.department = sqlite::Text(rs, "department");
  i.version = static_cast<uint32_t>(sqlite::Int(rs, "version"));
  i.export_id = sqlite::Text(rs, "export_id");
  i.copy_artifact = sqlite::Text(rs, "copy_artifact");
  i.issued_sha256 = sqlite::Text(rs, "issued_sha256");
  i.issued_pages = sqlite::Int(rs, "issued_pages");
  i.returned_sha256 = sqlite::Text(rs, "returned_sha256");
  i.returned_pages = sqlite::Int(rs, "returned_pages");
  i.evidence_artifact = sqlite::Text(rs, "evidence_artifact");
  i.result = sqlite::Text(rs, "result");
  i.returned_at = sqlite::Text(rs, "returned_at");
  return i;
}

void WriteBorrow(Session& s, const Borrow& b, bool insert) {
  Poco::Int64 period = b.period.count(), step = b.step, round = b.round, renewals = b.renewals;
  Poco::Int64 suspended = b.suspended, escalated = b.escalated, revision = b.revision;
  std::string chain = Join(b.chain);
  if (insert) {
    s << "INSERT INTO borrows (" << kBorrowColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        bind(b.id), bind(b.borrower), bind(b.borrower_department), bind(b.purpose), bind(b.kind), bind(period),
        bind(b.rule), bind(chain), bind(step), bind(round), bind(renewals), bind(b.state), bind(b.resume_state),
        bind(b.requested_at), bind(b.approved_at), bind(b.issued_at), bind(b.due_at), bind(b.closed_at),
        bind(suspended), bind(escalated), bind(b.note), bind(revision), bind(b.issue_claim), now;
  } else {
    s << "UPDATE borrows SET step = ?, round = ?, renewals = ?, state = ?, resume_state = ?, approved_at = ?, "
         "issued_at = ?, due_at = ?, closed_at = ?, suspended = ?, escalated = ?, note = ?, period_seconds = ?, "
         "revision = ?, issue_claim = ? WHERE id = ?",
        bind(step), bind(round), bind(renewals), bind(b.state), bind(b.resume_state), bind(b.approved_at),
        bind(b.issued_at), bind(b.due_at), bind(b.closed_at), bind(suspended), bind(escalated), bind(b.note),
        bind(period), bind(revision), bind(b.issue_claim), bind(b.id), now;
  }
  for (const BorrowItem& i : b.items) {
    Poco::Int64 position = i.position, version = i.version, issued_pages = i.issued_pages;
    Poco::Int64 returned_pages = i.returned_pages;
    s << "INSERT OR REPLACE INTO borrow_items (" << kItemColumns
      << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        bind(b.id), bind(position), bind(i.document_id), bind(i.archive_number), bind(i.title),
        bind(i.classification), bind(i.doc_type), bind(i.department), bind(version), bind(i.export_id),
        bind(i.copy_artifact), bind(i.issued_sha256), bind(issued_pages), bind(i.returned_sha256),
        bind(returned_pages), bind(i.evidence_artifact), bind(i.result), bind(i.returned_at), now;
  }
}

void WriteEvents(Session& s, const std::string& id, const std::vector<BorrowEvent>& events, size_t from) {
  for (size_t n = from; n < events.size(); ++n) {
    const BorrowEvent& e = events[n];
    Poco::Int64 seq = static_cast<Poco::Int64>(n + 1), round = e.round;
    s << "INSERT INTO borrow_events (borrow_id, seq, at, actor, action, from_state, to_state, round, detail) "
         "VALUES (?,?,?,?,?,?,?,?,?)",
        bind(id), bind(seq), bind(e.at), bind(e.actor), bind(e.action), bind(e.from_state), bind(e.to_state),
        bind(round), bind(e.detail), now;
  }
}

void WriteIncidents(Session& s, const std::vector<BorrowIncident>& incidents) {
  for (const BorrowIncident& i : incidents) {
    s << "INSERT INTO borrow_incidents (borrow_id, document_id, at, kind, detail, evidence_artifact) "
         "VALUES (?,?,?,?,?,?)",
        bind(i.borrow_id), bind(i.document_id), bind(i.at), bind(i.kind), bind(i.detail), bind(i.evidence_artifact),
        now;
  }
}

template <typename Fn>
Status InTransaction(Session& s, Fn body) {
  return sqlite::InTransaction(s, "borrow.db_error", "borrow store", body);
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

}  // namespace

BorrowStore::BorrowStore(std::unique_ptr<Session> session) : session_(std::move(session)) {}
BorrowStore::~BorrowStore() = default;

StatusOr<std::unique_ptr<BorrowStore>> BorrowStore::Open(const std::string& db_path) {
  try {
    auto session = sqlite::OpenSession(db_path);
    if (!sqlite::HasTable(*session, "borrows")) {
      return FailedPreconditionError("borrow.not_migrated", "the metadata database has no borrowing tables");
    }
    return std::unique_ptr<BorrowStore>(new BorrowStore(std::move(session)));
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

Status BorrowStore::Insert(const Borrow& b) {
  std::lock_guard<std::mutex> lock(mu_);
  Session& s = *session_;
  return InTransaction(s, [&]() -> Status {
    Poco::Int64 taken = 0;
    s << "SELECT COUNT(*) FROM borrows WHERE id = ?", bind(b.id), into(taken), now;
    if (taken) return AlreadyExistsError("borrow.duplicate_id", "loan id already used");
    // Checked again in the inserting transaction: two identical requests
    // at the same moment cannot both open a loan.
    for (const BorrowItem& i : b.items) {
      Poco::Int64 open = 0;
      std::string document_id = i.document_id;
      s << "SELECT COUNT(*) FROM borrows x JOIN borrow_items y ON y.borrow_id = x.id WHERE x.borrower = ? AND "
           "y.document_id = ? AND x.state IN ('requested', 'approved', 'issued', 'overdue', 'renewal_requested')",
          bind(b.borrower), bind(document_id), into(open), now;
      if (open > 0) {
        return AlreadyExistsError("borrow.already_open", "you already have an open loan of " + i.archive_number);
      }
      // The other half of DestructionStore::UpdateWithFacts: a destruction
      // whose execution started (or finished) after the caller's usability
      // check would not see this loan, so none is made.
      Poco::Int64 gone = 0;
      s << "SELECT (SELECT COUNT(*) FROM destroyed_documents WHERE document_id = ?) + (SELECT COUNT(*) FROM "
           "destructions d JOIN destruction_items t ON t.destruction_id = d.id WHERE t.document_id = ? AND "
           "d.state = 'executing')",
          bind(document_id), bind(document_id), into(gone), now;
      if (gone > 0) {
        return FailedPreconditionError("document.being_destroyed",
                                       i.archive_number + " is being destroyed or was destroyed");
      }
    }
    WriteBorrow(s, b, true);
    WriteEvents(s, b.id, b.events, 0);
    return Status::Ok();
  });
}

StatusOr<Borrow> BorrowStore::Load(const std::string& id, bool with_events) {
  Session& s = *session_;
  Statement st(s);
  st << "SELECT " << kBorrowColumns << " FROM borrows WHERE id = ?", bind(id);
  st.execute();
  RecordSet rs(st);
  if (!rs.moveFirst()) return NotFoundError("borrow.not_found", "no such loan");
  Borrow b = BorrowFromRow(rs);
  Statement items(s);
  items << "SELECT " << kItemColumns << " FROM borrow_items WHERE borrow_id = ? ORDER BY position", bind(id);
  items.execute();
  RecordSet irs(items);
  for (bool more = irs.moveFirst(); more; more = irs.moveNext()) b.items.push_back(ItemFromRow(irs));
  if (with_events) {
    Statement ev(s);
    ev << "SELECT seq, at, actor, action, from_state, to_state, round, detail FROM borrow_events "
          "WHERE borrow_id = ? ORDER BY seq",
        bind(id);
    ev.execute();
    RecordSet ers(ev);
    for (bool more = ers.moveFirst(); more; more = ers.moveNext()) {
      BorrowEvent e;
      e.seq = static_cast<int>(sqlite::Int(ers, "seq"));
      e.at = sqlite::Text(ers, "at");
      e.actor = sqlite::Text(ers, "actor");
      e.action = sqlite::Text(ers, "action");
      e.from_state = sqlite::Text(ers, "from_state");
      e.to_state = sqlite::Text(ers, "to_state");
      e.round = static_cast<int>(sqlite::Int(ers, "round"));
      e.detail = sqlite::Text(ers, "detail");
      b.events.push_back(std::move(e));
    }
  }
  return b;
}

StatusOr<Borrow> BorrowStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return Load(id, true);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<Borrow> BorrowStore::Update(const std::string& id, const std::function<Status(Borrow&)>& change) {
  std::lock_guard<std::mutex> lock(mu_);
  Session& s = *session_;
  Borrow result;
  Status st = InTransaction(s, [&]() -> Status {
    VAULT_ASSIGN_OR_RETURN(Borrow b, Load(id, true));
    const size_t old_events = b.events.size();
    VAULT_RETURN_IF_ERROR(change(b));
    ++b.revision;
    WriteBorrow(s, b, false);
    WriteEvents(s, b.id, b.events, old_events);
    WriteIncidents(s, b.new_incidents);
    b.new_incidents.clear();
    result = std::move(b);
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return result;
}

namespace {

// The WHERE clause of a filter; `binds` receives the values in order.
std::string FilterSql(const BorrowFilter& f, std::vector<std::string>* binds) {
  std::string sql = " WHERE 1 = 1";
  if (!f.borrower.empty()) {
    sql += " AND b.borrower = ?";
    binds->push_back(f.borrower);
  }
  if (!f.states.empty()) {
    sql += " AND b.state IN (" + Placeholders(f.states.size()) + ")";
    for (const auto& s : f.states) binds->push_back(s);
  }
  if (!f.document_id.empty()) {
    sql += " AND b.id IN (SELECT borrow_id FROM borrow_items WHERE document_id = ?)";
    binds->push_back(f.document_id);
  }
  return sql;
}

}  // namespace

StatusOr<std::vector<Borrow>> BorrowStore::List(const BorrowFilter& f) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> binds;
    std::string where = FilterSql(f, &binds);
    Statement st(*session_);
    st << "SELECT " << kBorrowColumns << " FROM borrows b" << where
       << " ORDER BY b.requested_at DESC, b.id DESC LIMIT " << std::max<int64_t>(0, f.limit) << " OFFSET "
       << std::max<int64_t>(0, f.offset);
    for (auto& v : binds) st, use(v);
    st.execute();
    RecordSet rs(st);
    std::vector<Borrow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(BorrowFromRow(rs));
    if (out.empty()) return out;
    // The items of the whole page in one query.
    std::vector<std::string> ids;
    for (const auto& b : out) ids.push_back(b.id);
    Statement items(*session_);
    items << "SELECT " << kItemColumns << " FROM borrow_items WHERE borrow_id IN (" << Placeholders(ids.size())
          << ") ORDER BY borrow_id, position";
    for (auto& v : ids) items, use(v);
    items.execute();
    RecordSet irs(items);
    std::map<std::string, std::vector<BorrowItem>> by_id;
    for (bool more = irs.moveFirst(); more; more = irs.moveNext()) {
      by_id[sqlite::Text(irs, "borrow_id")].push_back(ItemFromRow(irs));
    }
    for (auto& b : out) b.items = std::move(by_id[b.id]);
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<int64_t> BorrowStore::Count(const BorrowFilter& f) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> binds;
    std::string where = FilterSql(f, &binds);
    Poco::Int64 n = 0;
    Statement st(*session_);
    st << "SELECT COUNT(*) FROM borrows b" << where, into(n);
    for (auto& v : binds) st, use(v);
    st.execute();
    return static_cast<int64_t>(n);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<std::pair<std::string, std::string>>> BorrowStore::LoansOf(const std::string& borrower,
                                                                                const std::string& document_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT b.state, b.due_at FROM borrows b JOIN borrow_items i ON i.borrow_id = b.id "
          "WHERE b.borrower = ? AND i.document_id = ? AND i.result = '' AND "
          "b.state IN ('issued', 'overdue', 'renewal_requested')",
        bind(borrower), bind(document_id);
    st.execute();
    RecordSet rs(st);
    std::vector<std::pair<std::string, std::string>> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      out.emplace_back(sqlite::Text(rs, "state"), sqlite::Text(rs, "due_at"));
    }
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<bool> BorrowStore::Suspended(const std::string& borrower) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Poco::Int64 n = 0;
    *session_ << "SELECT COUNT(*) FROM borrows WHERE borrower = ? AND state = 'overdue' AND suspended = 1",
        bind(borrower), into(n), now;
    return n > 0;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<ScheduledLoan>> BorrowStore::OnLoan() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT id, borrower, borrower_department, rule, state, issued_at, due_at, suspended, escalated FROM borrows "
          "WHERE state IN ('issued', 'overdue', 'renewal_requested')";
    st.execute();
    RecordSet rs(st);
    std::vector<ScheduledLoan> out;
    out.reserve(rs.rowCount());
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      ScheduledLoan l;
      l.id = sqlite::Text(rs, "id");
      l.borrower = sqlite::Text(rs, "borrower");
      l.borrower_department = sqlite::Text(rs, "borrower_department");
      l.rule = sqlite::Text(rs, "rule");
      l.state = sqlite::Text(rs, "state");
      l.issued_at = sqlite::Text(rs, "issued_at");
      l.due_at = sqlite::Text(rs, "due_at");
      l.suspended = sqlite::Int(rs, "suspended") != 0;
      l.escalated = sqlite::Int(rs, "escalated") != 0;
      out.push_back(std::move(l));
    }
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<BorrowStore::Applied> BorrowStore::ApplySchedule(const std::vector<std::string>& to_suspend,
                                                              const std::vector<std::string>& to_escalate,
                                                              const std::string& at, const std::string& actor) {
  std::lock_guard<std::mutex> lock(mu_);
  Session& s = *session_;
  Applied applied;
  std::vector<std::string>& moved = applied.overdue;
  Status st = InTransaction(s, [&]() -> Status {
    // Overdue: decided inside the transaction from the rows themselves, so a
    // loan returned or renewed since OnLoan() is left alone.
    {
      Statement q(s);
      q << "SELECT id FROM borrows WHERE state IN ('issued', 'renewal_requested') AND due_at <= ? ORDER BY id",
          bind(at), into(moved), now;
    }
    if (!moved.empty()) {
      s << "INSERT INTO borrow_events (borrow_id, seq, at, actor, action, from_state, to_state, round, detail) "
           "SELECT b.id, (SELECT COALESCE(MAX(e.seq), 0) + 1 FROM borrow_events e WHERE e.borrow_id = b.id), ?, ?, "
           "'overdue', b.state, 'overdue', b.round, CASE b.state WHEN 'renewal_requested' THEN "
           "'due time passed before the renewal was approved' ELSE 'due time passed' END "
           "FROM borrows b WHERE b.state IN ('issued', 'renewal_requested') AND b.due_at <= ?",
          bind(at), bind(actor), bind(at), now;
      s << "UPDATE borrows SET state = 'overdue', resume_state = '', step = 0, revision = revision + 1 "
           "WHERE state IN ('issued', 'renewal_requested') AND due_at <= ?",
          bind(at), now;
    }
    auto flag = [&](const std::string& id, const char* column, const char* action, const char* detail) {
      Statement q(s);
      q << "UPDATE borrows SET " << column << " = 1, revision = revision + 1 WHERE id = ? AND state = 'overdue' AND "
        << column << " = 0",
          bind(id);
      if (q.execute() == 0) return;
      (std::string(column) == "suspended" ? applied.suspended : applied.escalated).push_back(id);
      s << "INSERT INTO borrow_events (borrow_id, seq, at, actor, action, from_state, to_state, round, detail) "
           "SELECT id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM borrow_events WHERE borrow_id = ?), ?, ?, ?, "
           "'overdue', 'overdue', round, ? FROM borrows WHERE id = ?",
          bind(id), bind(at), bind(actor), bind(std::string(action)), bind(std::string(detail)), bind(id), now;
    };
    for (const std::string& id : to_suspend) flag(id, "suspended", "suspend", "borrower may not start new loans");
    for (const std::string& id : to_escalate) flag(id, "escalated", "escalate", "reported to the department manager");
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return applied;
}

StatusOr<int64_t> BorrowStore::AddNotifications(const std::vector<Notification>& notes) {
  if (notes.empty()) return int64_t{0};
  std::lock_guard<std::mutex> lock(mu_);
  Session& s = *session_;
  int64_t added = 0;
  Status st = InTransaction(s, [&]() -> Status {
    // One prepared statement, executed per row with the bound values
    // changed in place (a fresh prepare per row was a quarter of a pass).
    Notification cur;
    Statement q(s);
    q << "INSERT OR IGNORE INTO notifications (recipient, borrow_id, kind, dedupe_key, created_at, message) "
         "VALUES (?,?,?,?,?,?)",
        use(cur.recipient), use(cur.borrow_id), use(cur.kind), use(cur.dedupe_key), use(cur.created_at),
        use(cur.message);
    for (const Notification& n : notes) {
      cur = n;
      added += static_cast<int64_t>(q.execute());
    }
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return added;
}

StatusOr<std::vector<Notification>> BorrowStore::Notifications(const std::string& recipient, int64_t after_id,
                                                               int64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    Poco::Int64 after = after_id;
    st << "SELECT id, recipient, borrow_id, kind, dedupe_key, created_at, message FROM notifications "
          "WHERE recipient = ? AND id > ? ORDER BY id LIMIT "
       << std::max<int64_t>(1, limit),
        bind(recipient), bind(after);
    st.execute();
    RecordSet rs(st);
    std::vector<Notification> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      Notification n;
      n.id = sqlite::Int(rs, "id");
      n.recipient = sqlite::Text(rs, "recipient");
      n.borrow_id = sqlite::Text(rs, "borrow_id");
      n.kind = sqlite::Text(rs, "kind");
      n.dedupe_key = sqlite::Text(rs, "dedupe_key");
      n.created_at = sqlite::Text(rs, "created_at");
      n.message = sqlite::Text(rs, "message");
      out.push_back(std::move(n));
    }
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<BorrowIncident>> BorrowStore::Incidents(const std::string& borrow_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT id, borrow_id, document_id, at, kind, detail, evidence_artifact FROM borrow_incidents"
       << (borrow_id.empty() ? "" : " WHERE borrow_id = ?") << " ORDER BY id";
    std::string id = borrow_id;
    if (!borrow_id.empty()) st, use(id);
    st.execute();
    RecordSet rs(st);
    std::vector<BorrowIncident> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      BorrowIncident i;
      i.id = sqlite::Int(rs, "id");
      i.borrow_id = sqlite::Text(rs, "borrow_id");
      i.document_id = sqlite::Text(rs, "document_id");
      i.at = sqlite::Text(rs, "at");
      i.kind = sqlite::Text(rs, "kind");
      i.detail = sqlite::Text(rs, "detail");
      i.evidence_artifact = sqlite::Text(rs, "evidence_artifact");
      out.push_back(std::move(i));
    }
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

}  // namespace vault
