// Small pieces every part of BorrowService uses (borrow_service.cc and the
// files split from it): the refusals, the event record, the item a
// document names, text and due-date checks. Internal to vault/borrow/.
//
// Thread-safety: stateless functions.
#pragma once

#include <string>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/borrow/borrow.h"

namespace vault::borrow_internal {

Status Denied(const std::string& reason, const std::string& message);
// borrow.bad_state: the loan is in a state that does not allow `what`.
Status BadState(const Borrow& b, const std::string& what);
// Appends an event from `from` to the loan's current state.
void AddEvent(Borrow& b, const std::string& at, const std::string& actor, const std::string& action,
              const std::string& from, const std::string& detail);
// Which item a document names (id or archive number); the only one when
// `document` is empty.
StatusOr<BorrowItem*> ItemFor(Borrow& b, const std::string& document);
// Non-empty, valid UTF-8, at most `max_chars` characters.
bool TextOk(const std::string& s, size_t max_chars);
// `due_at` if it is at or before `now`, else "".
std::string PastDue(const std::string& due_at, TimePoint now);

}  // namespace vault::borrow_internal
