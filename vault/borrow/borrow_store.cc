#include "vault/borrow/borrow_store.h"

#include <map>

#include "vault/db/rows.h"
#include "vault/destruction/destruction_store.h"
#include "vault/metadata/sqlite_metadata_store.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kBorrowColumns[] =
    "id, borrower, borrower_department, purpose, kind, period_seconds, rule, chain, step, round, renewals, state, "
    "resume_state, requested_at, approved_at, issued_at, due_at, closed_at, suspended, escalated, note, revision, issue_claim";
constexpr char kItemColumns[] =
    "borrow_id, position, document_id, archive_number, title, classification, doc_type, department, version, "
    "export_id, copy_artifact, issued_sha256, issued_pages, returned_sha256, returned_pages, evidence_artifact, "
    "result, returned_at";

Borrow BorrowFromRow(RecordSet& rs) {
  Borrow b;
  db::Row(rs)("id", &b.id)("borrower", &b.borrower)("borrower_department", &b.borrower_department)
      ("purpose", &b.purpose)("kind", &b.kind);
  b.period = Seconds(db::Int(rs, "period_seconds"));
  b.rule = db::Text(rs, "rule");
  b.chain = db::SplitCommaList(db::Text(rs, "chain"));
  db::Row(rs)("step", &b.step)("round", &b.round)("renewals", &b.renewals)("state", &b.state)
      ("resume_state", &b.resume_state)("requested_at", &b.requested_at)("approved_at", &b.approved_at)
      ("issued_at", &b.issued_at)("due_at", &b.due_at)("closed_at", &b.closed_at)("suspended", &b.suspended)
      ("escalated", &b.escalated)("note", &b.note)("revision", &b.revision)("issue_claim", &b.issue_claim);
  return b;
}

BorrowItem ItemFromRow(RecordSet& rs) {
  BorrowItem i;
  db::Row(rs)("position", &i.position)("document_id", &i.document_id)("archive_number", &i.archive_number)
      ("title", &i.title)("classification", &i.classification)("doc_type", &i.doc_type)
      ("department", &i.department)("version", &i.version)("export_id", &i.export_id)
      ("copy_artifact", &i.copy_artifact)("issued_sha256", &i.issued_sha256)("issued_pages", &i.issued_pages)
      ("returned_sha256", &i.returned_sha256)("returned_pages", &i.returned_pages)
      ("evidence_artifact", &i.evidence_artifact)("result", &i.result)("returned_at", &i.returned_at);
  return i;
}

void WriteBorrow(db::Connection& s, const Borrow& b, bool insert) {
  Poco::Int64 period = b.period.count(), step = b.step, round = b.round, renewals = b.renewals;
  Poco::Int64 suspended = b.suspended, escalated = b.escalated, revision = b.revision;
  std::string chain = db::JoinCommaList(b.chain);
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
    static const std::string kUpsert = db::UpsertClause(kItemColumns, "borrow_id, position");
    s << "INSERT INTO borrow_items (" << kItemColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
      << kUpsert,
        bind(b.id), bind(position), bind(i.document_id), bind(i.archive_number), bind(i.title),
        bind(i.classification), bind(i.doc_type), bind(i.department), bind(version), bind(i.export_id),
        bind(i.copy_artifact), bind(i.issued_sha256), bind(issued_pages), bind(i.returned_sha256),
        bind(returned_pages), bind(i.evidence_artifact), bind(i.result), bind(i.returned_at), now;
  }
}

void WriteEvents(db::Connection& s, const std::string& id, const std::vector<BorrowEvent>& events, size_t from) {
  for (size_t n = from; n < events.size(); ++n) {
    const BorrowEvent& e = events[n];
    Poco::Int64 seq = static_cast<Poco::Int64>(n + 1), round = e.round;
    s << "INSERT INTO borrow_events (borrow_id, seq, at, actor, action, from_state, to_state, round, detail) "
         "VALUES (?,?,?,?,?,?,?,?,?)",
        bind(id), bind(seq), bind(e.at), bind(e.actor), bind(e.action), bind(e.from_state), bind(e.to_state),
        bind(round), bind(e.detail), now;
  }
}

void WriteIncidents(db::Connection& s, const std::vector<BorrowIncident>& incidents) {
  for (const BorrowIncident& i : incidents) {
    s << "INSERT INTO borrow_incidents (borrow_id, document_id, at, kind, detail, evidence_artifact) "
         "VALUES (?,?,?,?,?,?)",
        bind(i.borrow_id), bind(i.document_id), bind(i.at), bind(i.kind), bind(i.detail), bind(i.evidence_artifact),
        now;
  }
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

}  // namespace

BorrowStore::BorrowStore(std::shared_ptr<db::Database> db) : db_(std::move(db), "borrow.db_error", "borrow store") {}
BorrowStore::~BorrowStore() = default;

StatusOr<std::unique_ptr<BorrowStore>> BorrowStore::Open(std::shared_ptr<db::Database> db) {
  return std::unique_ptr<BorrowStore>(new BorrowStore(std::move(db)));
}

Status BorrowStore::Insert(const Borrow& b) {
  return db_.Write([&](db::Connection& s) -> Status {
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
      if (!SqliteMetadataStore::DestroyedBy(s, document_id).empty() ||
          DestructionStore::BeingExecutedOn(s, document_id)) {
        return FailedPreconditionError("document.being_destroyed",
                                       i.archive_number + " is being destroyed or was destroyed");
      }
    }
    WriteBorrow(s, b, true);
    WriteEvents(s, b.id, b.events, 0);
    return Status::Ok();
  });
}

StatusOr<Borrow> BorrowStore::Load(db::Connection& s, const std::string& id, bool with_events) {
  Statement st(s);
  st << "SELECT " << kBorrowColumns << " FROM borrows WHERE id = ?", bind(id);
  st.execute();
  RecordSet rs(st);
  if (!rs.moveFirst()) return NotFoundError("borrow.not_found", "no such loan");
  Borrow b = BorrowFromRow(rs);
  Statement items(s);
  items << "SELECT " << kItemColumns << " FROM borrow_items WHERE borrow_id = ? ORDER BY position", bind(id);
  b.items = db::AllRows(items, ItemFromRow);
  if (with_events) {
    Statement ev(s);
    ev << "SELECT seq, at, actor, action, from_state, to_state, round, detail FROM borrow_events "
          "WHERE borrow_id = ? ORDER BY seq",
        bind(id);
    b.events = db::AllRows(ev, [&](RecordSet& ers) {
      BorrowEvent e;
      db::Row(ers)("seq", &e.seq)("at", &e.at)("actor", &e.actor)("action", &e.action)
          ("from_state", &e.from_state)("to_state", &e.to_state)("round", &e.round)("detail", &e.detail);
      return e;
    });
  }
  return b;
}

StatusOr<Borrow> BorrowStore::Get(const std::string& id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<Borrow> { return Load(c, id, true); });
}

StatusOr<Borrow> BorrowStore::Update(const std::string& id, const std::function<Status(Borrow&)>& change) {
  Borrow result;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    VAULT_ASSIGN_OR_RETURN(Borrow b, Load(s, id, true));
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
  if (!f.due_before.empty()) {
    sql += " AND b.due_at <> '' AND b.due_at <= ?";
    binds->push_back(f.due_before);
  }
  if (f.suspended) sql += " AND b.suspended = 1";
  return sql;
}

}  // namespace

StatusOr<std::vector<Borrow>> BorrowStore::List(const BorrowFilter& f) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Borrow>> {
    std::vector<std::string> binds;
    std::string where = FilterSql(f, &binds);
    Statement st(c);
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
    Statement items(c);
    items << "SELECT " << kItemColumns << " FROM borrow_items WHERE borrow_id IN (" << Placeholders(ids.size())
          << ") ORDER BY borrow_id, position";
    for (auto& v : ids) items, use(v);
    items.execute();
    RecordSet irs(items);
    std::map<std::string, std::vector<BorrowItem>> by_id;
    for (bool more = irs.moveFirst(); more; more = irs.moveNext()) {
      by_id[db::Text(irs, "borrow_id")].push_back(ItemFromRow(irs));
    }
    for (auto& b : out) b.items = std::move(by_id[b.id]);
    return out;
  });
}

StatusOr<int64_t> BorrowStore::Count(const BorrowFilter& f) {
  return db_.Read([&](db::Connection& c) -> StatusOr<int64_t> {
    std::vector<std::string> binds;
    std::string where = FilterSql(f, &binds);
    Poco::Int64 n = 0;
    Statement st(c);
    st << "SELECT COUNT(*) FROM borrows b" << where, into(n);
    for (auto& v : binds) st, use(v);
    st.execute();
    return static_cast<int64_t>(n);
  });
}

StatusOr<std::vector<std::pair<std::string, std::string>>> BorrowStore::LoansOf(const std::string& borrower,
                                                                                const std::string& document_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<std::pair<std::string, std::string>>> {
    Statement st(c);
    st << "SELECT b.state, b.due_at FROM borrows b JOIN borrow_items i ON i.borrow_id = b.id "
          "WHERE b.borrower = ? AND i.document_id = ? AND i.result = '' AND "
          "b.state IN ('issued', 'overdue', 'renewal_requested')",
        bind(borrower), bind(document_id);
    return db::AllRows(st, [](RecordSet& rs) { return std::make_pair(db::Text(rs, "state"), db::Text(rs, "due_at")); });
  });
}

StatusOr<bool> BorrowStore::Suspended(const std::string& borrower) {
  return db_.Read([&](db::Connection& c) -> StatusOr<bool> {
    Poco::Int64 n = 0;
    c << "SELECT COUNT(*) FROM borrows WHERE borrower = ? AND state = 'overdue' AND suspended = 1",
        bind(borrower), into(n), now;
    return n > 0;
  });
}

StatusOr<std::vector<ScheduledLoan>> BorrowStore::OnLoan() {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<ScheduledLoan>> {
    Statement st(c);
    st << "SELECT id, borrower, borrower_department, rule, state, issued_at, due_at, suspended, escalated FROM borrows "
          "WHERE state IN ('issued', 'overdue', 'renewal_requested')";
    return db::AllRows(st, [](RecordSet& rs) {
      ScheduledLoan l;
      db::Row(rs)("id", &l.id)("borrower", &l.borrower)("borrower_department", &l.borrower_department)
          ("rule", &l.rule)("state", &l.state)("issued_at", &l.issued_at)("due_at", &l.due_at)
          ("suspended", &l.suspended)("escalated", &l.escalated);
      return l;
    });
  });
}

StatusOr<BorrowStore::Applied> BorrowStore::ApplySchedule(const std::vector<std::string>& to_suspend,
                                                              const std::vector<std::string>& to_escalate,
                                                              const std::string& at, const std::string& actor) {
  Applied applied;
  std::vector<std::string>& moved = applied.overdue;
  Status st = db_.Write([&](db::Connection& s) -> Status {
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
  int64_t added = 0;
  Status st = db_.Write([&](db::Connection& s) -> Status {
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
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Notification>> {
    Statement st(c);
    Poco::Int64 after = after_id;
    st << "SELECT id, recipient, borrow_id, kind, dedupe_key, created_at, message FROM notifications "
          "WHERE recipient = ? AND id > ? ORDER BY id LIMIT "
       << std::max<int64_t>(1, limit),
        bind(recipient), bind(after);
    return db::AllRows(st, [&](RecordSet& rs) {
      Notification n;
      db::Row(rs)("id", &n.id)("recipient", &n.recipient)("borrow_id", &n.borrow_id)("kind", &n.kind)
          ("dedupe_key", &n.dedupe_key)("created_at", &n.created_at)("message", &n.message);
      return n;
    });
  });
}

StatusOr<std::vector<BorrowIncident>> BorrowStore::Incidents(const std::string& borrow_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<BorrowIncident>> {
    Statement st(c);
    st << "SELECT id, borrow_id, document_id, at, kind, detail, evidence_artifact FROM borrow_incidents"
       << (borrow_id.empty() ? "" : " WHERE borrow_id = ?") << " ORDER BY id";
    std::string id = borrow_id;
    if (!borrow_id.empty()) st, use(id);
    return db::AllRows(st, [&](RecordSet& rs) {
      BorrowIncident i;
      db::Row(rs)("id", &i.id)("borrow_id", &i.borrow_id)("document_id", &i.document_id)("at", &i.at)
          ("kind", &i.kind)("detail", &i.detail)("evidence_artifact", &i.evidence_artifact);
      return i;
    });
  });
}

std::vector<OpenLoan> BorrowStore::OpenLoansOf(db::Connection& c, const std::string& document_id) {
  Statement st(c);
  st << "SELECT b.id, b.borrower, b.state FROM borrows b JOIN borrow_items i ON i.borrow_id = b.id "
        "WHERE i.document_id = ? AND b.state IN ('requested', 'approved', 'issued', 'overdue', "
        "'renewal_requested') ORDER BY b.id",
      bind(document_id);
  return db::AllRows(st, [](RecordSet& rs) {
    return OpenLoan{db::Text(rs, "id"), db::Text(rs, "borrower"), db::Text(rs, "state")};
  });
}

std::vector<std::string> BorrowStore::ArtifactsLinkedTo(db::Connection& c, const std::string& document_id) {
  std::vector<std::string> ids;
  c << "SELECT copy_artifact FROM borrow_items WHERE document_id = ? AND copy_artifact <> '' UNION "
       "SELECT evidence_artifact FROM borrow_items WHERE document_id = ? AND evidence_artifact <> '' ORDER BY 1",
      bind(document_id), bind(document_id), into(ids), now;
  return ids;
}

}  // namespace vault
