#include "vault/borrow/borrow_policy.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "vault/policy/strict_json.h"

namespace vault {
namespace {

constexpr int64_t kDay = 86400;
// 100 years of 365.25 days: longer than any loan, short enough that sums
// of a few durations cannot overflow.
constexpr int64_t kMaxDurationSeconds = 36525 * kDay;

Status BadDuration(const std::string& text, const std::string& why) {
  // Quoted back as printable ASCII, so the message is safe in any log or
  // JSON response whatever bytes the input held.
  std::string shown;
  for (size_t i = 0; i < text.size() && i < 40; ++i)
    shown += text[i] >= ' ' && text[i] < 0x7f ? text[i] : '?';
  if (text.size() > 40) shown += "...";
  return InvalidArgumentError("borrow.bad_duration", "\"" + shown + "\": " + why);
}

// ---------------------------------------------------------------------------
// Policy file reading. Every helper names the field it reads (`path`) in its
// error, so a refusal points at the line to fix.

const PolicyFileSpec& BorrowingFile() {
  using S = JsonShape;
  static const PolicyFileSpec spec =
      PolicyFile("borrowing.json", "borrow.policy_invalid",
                 {{"max_documents_per_request", S::WholeNumber()},
                  {"recall_period", S::String()},
                  {"max_return_bytes", S::WholeNumber()},
                  {"rules", S::List(S::Object({{"name", S::String()},
                                               {"classifications", S::List(S::String())},
                                               {"doc_types", S::List(S::String())},
                                               {"departments", S::List(S::String())},
                                               {"default_period", S::String()},
                                               {"max_period", S::String()},
                                               {"renewals", S::WholeNumber()},
                                               {"renewal_period", S::String()},
                                               {"renew_not_before", S::String()},
                                               {"remind_before", S::List(S::String())},
                                               {"overdue_every", S::String()},
                                               {"suspend_after", S::String()},
                                               {"escalate_after", S::String()},
                                               {"kinds", S::List(S::String())},
                                               {"approval_chain", S::List(S::String())}}))}});
  return spec;
}

const std::set<std::string> kClassifications = {"public", "internal", "confidential"};
const std::set<std::string> kKinds = {"electronic", "paper", "reading_room"};
const std::set<std::string> kApprovalSteps = {"dept_manager", "legal", "archive_admin"};

Status Invalid(const std::string& path, const std::string& what) {
  return PolicyFileError(BorrowingFile(), path, what);
}

std::string Join(const std::set<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : "|") + v;
  return out;
}

// A whole number in [min, max].
StatusOr<int64_t> ReadInt(const Poco::JSON::Object& obj, const std::string& key,
                          const std::string& path, int64_t min, int64_t max) {
  if (!obj.has(key)) return Invalid(path, "missing");
  Poco::Dynamic::Var v = obj.get(key);
  if (v.isBoolean() || !v.isInteger()) return Invalid(path, "must be a whole number");
  std::string range = min == max ? "must be " + std::to_string(min)
                                 : "must be " + std::to_string(min) + " to " + std::to_string(max);
  if (!v.isSigned()) {
    // Only values that do not fit a signed 64-bit integer arrive unsigned.
    uint64_t u = v.convert<uint64_t>();
    if (u > static_cast<uint64_t>(max)) return Invalid(path, range);
    return static_cast<int64_t>(u);
  }
  int64_t n = v.convert<int64_t>();
  if (n < min || n > max) return Invalid(path, range);
  return n;
}

StatusOr<std::string> ReadString(const Poco::JSON::Object& obj, const std::string& key,
                                 const std::string& path) {
  return RequiredString(BorrowingFile(), obj, key, path);
}

StatusOr<Seconds> ParseDurationField(const std::string& text, const std::string& path) {
  auto d = ParseIsoDuration(text);
  if (!d.ok()) return Invalid(path, d.status().message());
  return *d;
}

StatusOr<Seconds> ReadDuration(const Poco::JSON::Object& obj, const std::string& key,
                               const std::string& path) {
  VAULT_ASSIGN_OR_RETURN(std::string text, ReadString(obj, key, path));
  return ParseDurationField(text, path);
}

// A list of non-empty, distinct strings; when `allowed` is given, each must
// be one of it. An absent list reads as empty when `required` is false.
StatusOr<std::vector<std::string>> ReadStringList(const Poco::JSON::Object& obj,
                                                  const std::string& key, const std::string& path,
                                                  bool required,
                                                  const std::set<std::string>* allowed) {
  std::vector<std::string> out;
  if (!obj.has(key)) {
    if (required) return Invalid(path, "missing");
    return out;
  }
  if (!obj.isArray(key)) return Invalid(path, "must be a list of strings");
  Poco::JSON::Array::Ptr arr = obj.getArray(key);
  for (unsigned i = 0; i < arr->size(); ++i) {
    std::string at = path + "[" + std::to_string(i) + "]";
    Poco::Dynamic::Var v = arr->get(i);
    if (!v.isString()) return Invalid(at, "must be a string");
    std::string s = v.extract<std::string>();
    if (s.empty()) return Invalid(at, "empty");
    if (allowed && !allowed->count(s))
      return Invalid(at, "\"" + s + "\" is not one of " + Join(*allowed));
    if (std::find(out.begin(), out.end(), s) != out.end())
      return Invalid(at, "\"" + s + "\" listed twice");
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<LoanRule> ReadRule(const Poco::JSON::Object& obj, const std::string& at) {
  LoanRule r;
  VAULT_ASSIGN_OR_RETURN(r.name, ReadString(obj, "name", at + ".name"));
  if (r.name.empty()) return Invalid(at + ".name", "empty");
  VAULT_ASSIGN_OR_RETURN(
      r.classifications,
      ReadStringList(obj, "classifications", at + ".classifications", false, &kClassifications));
  VAULT_ASSIGN_OR_RETURN(r.doc_types,
                         ReadStringList(obj, "doc_types", at + ".doc_types", false, nullptr));
  VAULT_ASSIGN_OR_RETURN(r.departments,
                         ReadStringList(obj, "departments", at + ".departments", false, nullptr));
  VAULT_ASSIGN_OR_RETURN(r.default_period,
                         ReadDuration(obj, "default_period", at + ".default_period"));
  VAULT_ASSIGN_OR_RETURN(r.max_period, ReadDuration(obj, "max_period", at + ".max_period"));
  if (r.default_period <= Seconds(0))
    return Invalid(at + ".default_period", "must be longer than PT0S");
  if (r.default_period > r.max_period) {
    return Invalid(at + ".default_period",
                   "longer than max_period " + FormatIsoDuration(r.max_period));
  }
  VAULT_ASSIGN_OR_RETURN(int64_t renewals, ReadInt(obj, "renewals", at + ".renewals", 0, 100));
  r.renewals_allowed = static_cast<int>(renewals);
  VAULT_ASSIGN_OR_RETURN(r.renewal_period,
                         ReadDuration(obj, "renewal_period", at + ".renewal_period"));
  if (r.renewals_allowed > 0 && r.renewal_period <= Seconds(0)) {
    return Invalid(at + ".renewal_period", "must be longer than PT0S when renewals are allowed");
  }
  VAULT_ASSIGN_OR_RETURN(r.renew_not_before,
                         ReadDuration(obj, "renew_not_before", at + ".renew_not_before"));
  VAULT_ASSIGN_OR_RETURN(
      std::vector<std::string> reminders,
      ReadStringList(obj, "remind_before", at + ".remind_before", true, nullptr));
  for (size_t i = 0; i < reminders.size(); ++i) {
    VAULT_ASSIGN_OR_RETURN(
        Seconds d,
        ParseDurationField(reminders[i], at + ".remind_before[" + std::to_string(i) + "]"));
    if (std::find(r.remind_before.begin(), r.remind_before.end(), d) != r.remind_before.end()) {
      return Invalid(at + ".remind_before[" + std::to_string(i) + "]",
                     "same time as an earlier reminder");
    }
    r.remind_before.push_back(d);
  }
  VAULT_ASSIGN_OR_RETURN(r.overdue_every,
                         ReadDuration(obj, "overdue_every", at + ".overdue_every"));
  VAULT_ASSIGN_OR_RETURN(r.suspend_after,
                         ReadDuration(obj, "suspend_after", at + ".suspend_after"));
  VAULT_ASSIGN_OR_RETURN(r.escalate_after,
                         ReadDuration(obj, "escalate_after", at + ".escalate_after"));
  VAULT_ASSIGN_OR_RETURN(r.kinds, ReadStringList(obj, "kinds", at + ".kinds", true, &kKinds));
  if (r.kinds.empty()) return Invalid(at + ".kinds", "must name at least one kind of loan");
  VAULT_ASSIGN_OR_RETURN(
      r.approval_chain,
      ReadStringList(obj, "approval_chain", at + ".approval_chain", true, &kApprovalSteps));
  return r;
}

bool MatchesEverything(const LoanRule& r) {
  return r.classifications.empty() && r.doc_types.empty() && r.departments.empty();
}

bool ListMatches(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

// ---------------------------------------------------------------------------
// Durations.

StatusOr<Seconds> ParseIsoDuration(const std::string& text) {
  if (text.empty() || text[0] != 'P')
    return BadDuration(text, "must start with P (e.g. P30D, PT2S)");
  // Designators in the only order they may appear, with their lengths in
  // seconds; 'W' stands alone.
  struct Unit {
    char designator;
    bool after_t;
    int64_t seconds;
  };
  static const Unit kUnits[] = {
      {'D', false, kDay}, {'H', true, 3600}, {'M', true, 60}, {'S', true, 1}};
  size_t pos = 1;
  bool in_time = false;
  bool any = false;
  bool any_after_t = false;
  size_t next_unit = 0;  // kUnits[next_unit..] may still appear
  int64_t total = 0;
  while (pos < text.size()) {
    if (text[pos] == 'T') {
      if (in_time) return BadDuration(text, "T appears twice");
      in_time = true;
      ++pos;
      continue;
    }
    size_t start = pos;
    int64_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      n = n * 10 + (text[pos] - '0');
      if (n > kMaxDurationSeconds) return BadDuration(text, "longer than 100 years");
      ++pos;
    }
    if (pos == start)
      return BadDuration(text, "expected a whole number at offset " + std::to_string(pos));
    if (pos == text.size()) return BadDuration(text, "number without a unit");
    char c = text[pos++];
    if (c == 'W') {
      if (any || in_time || pos != text.size())
        return BadDuration(text, "weeks (W) must stand alone, as in P2W");
      if (n > kMaxDurationSeconds / (7 * kDay)) return BadDuration(text, "longer than 100 years");
      return Seconds(n * 7 * kDay);
    }
    if (c == '.' || c == ',')
      return BadDuration(text, "fractions are not accepted; use a smaller unit");
    if (c == 'Y' || (c == 'M' && !in_time)) {
      return BadDuration(text, "years and months are not accepted (their length varies); use days");
    }
    size_t u = next_unit;
    while (u < 4 && (kUnits[u].designator != c || kUnits[u].after_t != in_time)) ++u;
    if (u == 4) {
      std::string unit =
          c >= ' ' && c < 0x7f ? std::string("'") + c + "'" : "byte " + std::to_string(uint8_t(c));
      return BadDuration(
          text, "unit " + unit + " not expected here (form P[n]D[T[n]H[n]M[n]S] or P[n]W)");
    }
    next_unit = u + 1;
    if (n > kMaxDurationSeconds / kUnits[u].seconds)
      return BadDuration(text, "longer than 100 years");
    total += n * kUnits[u].seconds;
    if (total > kMaxDurationSeconds) return BadDuration(text, "longer than 100 years");
    any = true;
    if (in_time) any_after_t = true;
  }
  if (in_time && !any_after_t)
    return BadDuration(text, "T must be followed by hours, minutes or seconds");
  if (!any) return BadDuration(text, "no amount (write PT0S for zero)");
  return Seconds(total);
}

std::string FormatIsoDuration(Seconds d) {
  // Negative durations (time left on an overdue loan) keep their sign, as
  // ISO 8601-2 allows; ParseIsoDuration refuses them.
  int64_t count = d.count();
  uint64_t s = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string out = count < 0 ? "-P" : "P";
  uint64_t days = s / kDay, hours = s % kDay / 3600, minutes = s % 3600 / 60, seconds = s % 60;
  if (days) out += std::to_string(days) + "D";
  if (hours || minutes || seconds || !days) {
    out += "T";
    if (hours) out += std::to_string(hours) + "H";
    if (minutes) out += std::to_string(minutes) + "M";
    if (seconds || (!hours && !minutes)) out += std::to_string(seconds) + "S";
  }
  return out;
}

// ---------------------------------------------------------------------------
// The policy.

StatusOr<std::unique_ptr<BorrowPolicy>> BorrowPolicy::FromJson(const std::string& json) {
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr root, ReadStrictJson(json, BorrowingFile()));
  try {
    const Poco::JSON::Object& top = *root;
    VAULT_ASSIGN_OR_RETURN(int64_t version, ReadInt(top, "version", "version", 1, 1));
    (void)version;
    if (top.has("description") && !top.get("description").isString()) {
      return Invalid("description", "must be a string");
    }
    std::unique_ptr<BorrowPolicy> p(new BorrowPolicy());
    VAULT_ASSIGN_OR_RETURN(int64_t max_docs, ReadInt(top, "max_documents_per_request",
                                                     "max_documents_per_request", 1, 100));
    p->max_documents_ = static_cast<int>(max_docs);
    VAULT_ASSIGN_OR_RETURN(p->recall_period_, ReadDuration(top, "recall_period", "recall_period"));
    VAULT_ASSIGN_OR_RETURN(p->max_return_bytes_,
                           ReadInt(top, "max_return_bytes", "max_return_bytes", 1, INT64_MAX));

    if (!top.has("rules")) return Invalid("rules", "missing");
    if (!top.isArray("rules")) return Invalid("rules", "must be a list of rules");
    Poco::JSON::Array::Ptr rules = top.getArray("rules");
    if (rules->size() == 0) return Invalid("rules", "at least one rule (the default) is needed");
    std::set<std::string> names;
    for (unsigned i = 0; i < rules->size(); ++i) {
      std::string at = "rules[" + std::to_string(i) + "]";
      if (!rules->isObject(i)) return Invalid(at, "must be an object");
      VAULT_ASSIGN_OR_RETURN(LoanRule rule, ReadRule(*rules->getObject(i), at));
      if (!names.insert(rule.name).second)
        return Invalid(at + ".name", "\"" + rule.name + "\" used by an earlier rule");
      bool last = i + 1 == rules->size();
      if (last && !MatchesEverything(rule)) {
        return Invalid(at,
                       "the last rule is the default and must have no classifications, doc_types "
                       "or departments");
      }
      // A catch-all before the end would silently disable every rule after it.
      if (!last && MatchesEverything(rule)) {
        return Invalid(at,
                       "matches every document, so the rules after it would never apply; only the "
                       "last rule may");
      }
      p->rules_.push_back(std::move(rule));
    }
    return p;
  } catch (const Poco::Exception& e) {
    return InvalidArgumentError("borrow.policy_invalid", "borrowing.json: " + e.displayText());
  }
}

const LoanRule& BorrowPolicy::RuleFor(const std::string& classification,
                                      const std::string& doc_type,
                                      const std::string& department) const {
  for (const auto& r : rules_) {
    if (ListMatches(r.classifications, classification) && ListMatches(r.doc_types, doc_type) &&
        ListMatches(r.departments, department)) {
      return r;
    }
  }
  return rules_.back();  // FromJson guarantees this matches everything
}

}  // namespace vault
