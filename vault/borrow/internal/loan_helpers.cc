#include "vault/borrow/internal/loan_helpers.h"

#include "vault/documents/field_dictionary.h"

namespace vault::borrow_internal {

Status Denied(const std::string& reason, const std::string& message) {
  return Status(StatusCode::kPermissionDenied, reason, message);
}
Status BadState(const Borrow& b, const std::string& what) {
  return FailedPreconditionError("borrow.bad_state", "the loan is " + b.state + "; " + what);
}

void AddEvent(Borrow& b, const std::string& at, const std::string& actor, const std::string& action,
              const std::string& from, const std::string& detail) {
  BorrowEvent e;
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.from_state = from;
  e.to_state = b.state;
  e.round = b.round;
  e.detail = detail.substr(0, 500);
  b.events.push_back(std::move(e));
}

// Which item a document names (id or archive number); the only one when
// `document` is empty.
StatusOr<BorrowItem*> ItemFor(Borrow& b, const std::string& document) {
  if (document.empty()) {
    if (b.items.size() == 1) return &b.items[0];
    return InvalidArgumentError("borrow.document_required", "the loan has several documents; name one");
  }
  for (auto& i : b.items) {
    if (i.document_id == document || i.archive_number == document) return &i;
  }
  return NotFoundError("borrow.document_not_on_loan", "the document is not part of this loan");
}

bool TextOk(const std::string& s, size_t max_chars) {
  return !s.empty() && FieldDictionary::IsValidUtf8(s) && FieldDictionary::CountChars(s) <= max_chars;
}

std::string PastDue(const std::string& due_at, TimePoint now) {
  TimePoint due;
  if (!ParseUtc(due_at, &due)) return "";
  return due <= now ? due_at : "";
}

}  // namespace vault::borrow_internal
