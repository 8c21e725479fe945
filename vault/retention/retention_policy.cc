#include "vault/retention/retention_policy.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "vault/policy/strict_json.h"

namespace vault {
namespace {

// ---------------------------------------------------------------------------
// Calendar arithmetic on proleptic Gregorian UTC dates, done by hand rather
// than through timegm/system_clock so that due dates centuries ahead neither
// overflow nor depend on the platform.

constexpr int kMaxYear = 9999;
constexpr int kMaxPeriodNumber = 9999;

struct UtcTime {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}

// Days since 1970-01-01 (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int64_t EpochSeconds(const UtcTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

bool Digits(const std::string& s, size_t at, size_t len, int* out) {
  int n = 0;
  for (size_t i = at; i < at + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    n = n * 10 + (s[i] - '0');
  }
  *out = n;
  return true;
}

// RFC 3339 UTC with seconds, "YYYY-MM-DDTHH:MM:SSZ", or when
// `allow_date_only` also "YYYY-MM-DD" (as 00:00:00Z, the field dictionary's
// date kind). Years 0001-9999, real calendar days, no leap seconds.
bool ParseTime(const std::string& s, bool allow_date_only, UtcTime* out) {
  bool date_only = s.size() == 10;
  if (date_only ? !allow_date_only : s.size() != 20) return false;
  if (s[4] != '-' || s[7] != '-') return false;
  if (!date_only && (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')) return false;
  int y, m, d, hh = 0, mm = 0, ss = 0;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
  if (!date_only && (!Digits(s, 11, 2, &hh) || !Digits(s, 14, 2, &mm) || !Digits(s, 17, 2, &ss))) {
    return false;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  if (hh > 23 || mm > 59 || ss > 59) return false;
  *out = UtcTime{y, m, d, hh, mm, ss};
  return true;
}

std::string Pad(int64_t n, int width) {
  std::string s = std::to_string(n);
  return std::string(s.size() < size_t(width) ? width - s.size() : 0, '0') + s;
}

std::string Format(const UtcTime& t) {
  return Pad(t.year, 4) + "-" + Pad(t.month, 2) + "-" + Pad(t.day, 2) + "T" + Pad(t.hour, 2) + ":" +
         Pad(t.minute, 2) + ":" + Pad(t.second, 2) + "Z";
}

// Printable ASCII, at most 40 characters, so a message is safe in any log.
std::string Shown(const std::string& text) {
  std::string shown;
  for (size_t i = 0; i < text.size() && i < 40; ++i)
    shown += text[i] >= ' ' && text[i] < 0x7f ? text[i] : '?';
  if (text.size() > 40) shown += "...";
  return "\"" + shown + "\"";
}

Status BadPeriod(const std::string& text, const std::string& why) {
  return InvalidArgumentError("retention.bad_period", Shown(text) + ": " + why);
}

StatusOr<RetentionPeriod> ParsePeriod(const std::string& text) {
  if (text.empty() || text[0] != 'P')
    return BadPeriod(text, "must start with P (e.g. P10Y, P6M, P90D)");
  static const char kUnits[] = {'Y', 'M', 'D'};
  RetentionPeriod p;
  int* fields[] = {&p.years, &p.months, &p.days};
  size_t pos = 1, next_unit = 0;
  bool any = false;
  while (pos < text.size()) {
    size_t start = pos;
    int n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      n = n * 10 + (text[pos] - '0');
      if (n > kMaxPeriodNumber) return BadPeriod(text, "number over 9999");
      ++pos;
    }
    char c = pos < text.size() ? text[pos] : '\0';
    if (c == 'T' || c == 'W' || c == 'H' || c == 'S')
      return BadPeriod(text, "only years, months and days (Y, M, D) are accepted");
    if (pos == start)
      return BadPeriod(text, "expected a whole number at offset " + std::to_string(pos));
    if (c == '\0') return BadPeriod(text, "number without a unit");
    if (c == '.' || c == ',') return BadPeriod(text, "fractions are not accepted");
    size_t u = next_unit;
    while (u < 3 && kUnits[u] != c) ++u;
    if (u == 3) return BadPeriod(text, "unit not expected here (form P[n]Y[n]M[n]D)");
    *fields[u] = n;
    next_unit = u + 1;
    any = true;
    ++pos;
  }
  if (!any) return BadPeriod(text, "no amount (e.g. P10Y)");
  return p;
}

bool IsZero(const RetentionPeriod& p) { return !p.years && !p.months && !p.days; }

std::string FormatPeriod(const RetentionPeriod& p) {
  std::string out = "P";
  if (p.years) out += std::to_string(p.years) + "Y";
  if (p.months) out += std::to_string(p.months) + "M";
  if (p.days || out == "P") out += std::to_string(p.days) + "D";
  return out;
}

std::string DescribePeriod(const RetentionPeriod& p) {
  std::string out;
  auto add = [&](int n, const char* unit) {
    if (!n) return;
    out += (out.empty() ? "" : " ") + std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  add(p.years, "year");
  add(p.months, "month");
  add(p.days, "day");
  return out.empty() ? "0 days" : out;
}

StatusOr<UtcTime> AddPeriod(const UtcTime& t, const RetentionPeriod& p) {
  int64_t months = t.year * 12 + (t.month - 1) + int64_t(p.years) * 12 + p.months;
  UtcTime r = t;
  r.year = months / 12;
  r.month = static_cast<int>(months % 12) + 1;
  r.day = std::min(t.day, DaysInMonth(r.year, r.month));
  int64_t days = DaysFromCivil(r.year, r.month, r.day) + p.days;
  CivilFromDays(days, &r.year, &r.month, &r.day);
  if (r.year > kMaxYear)
    return InvalidArgumentError("retention.bad_period", "the result is after year 9999");
  return r;
}

// ---------------------------------------------------------------------------
// Policy file reading. Every refusal names the field (`path`) to fix.

const PolicyFileSpec& RetentionFile() {
  using S = JsonShape;
  static const PolicyFileSpec spec =
      PolicyFile("retention.json", "retention.policy_invalid",
                 {{"retention_classes", S::Map(S::String())},
                  {"rules", S::Map(S::Object({{"label", S::String()},
                                              {"anchor", S::String()},
                                              {"fallback_anchors", S::List(S::String())},
                                              {"event", S::String()},
                                              {"period", S::String()},
                                              {"after_year_end", S::Boolean()},
                                              {"basis", S::String()}}))}});
  return spec;
}

Status Invalid(const std::string& path, const std::string& what) {
  return PolicyFileError(RetentionFile(), path, what);
}

// Keys and names: lower-case ASCII letters, digits and '_', as in fields.json.
bool IsName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

StatusOr<std::string> ReadString(const Poco::JSON::Object& obj, const std::string& key,
                                 const std::string& path) {
  return RequiredString(RetentionFile(), obj, key, path);
}

// "permanent" or a non-zero ISO period.
StatusOr<RetentionPeriod> ReadPeriod(const Poco::JSON::Object& obj, const std::string& key,
                                     const std::string& path) {
  VAULT_ASSIGN_OR_RETURN(std::string text, ReadString(obj, key, path));
  if (text == "permanent") {
    RetentionPeriod p;
    p.permanent = true;
    return p;
  }
  auto p = ParsePeriod(text);
  if (!p.ok()) return Invalid(path, p.status().message());
  if (IsZero(*p)) return Invalid(path, "must be longer than zero (\"permanent\" keeps forever)");
  return *p;
}

StatusOr<RetentionRule> ReadRule(const Poco::JSON::Object& obj, const std::string& key) {
  const std::string at = "rules." + key;
  RetentionRule r;
  r.key = key;
  VAULT_ASSIGN_OR_RETURN(r.label, ReadString(obj, "label", at + ".label"));
  if (r.label.empty()) return Invalid(at + ".label", "empty");
  VAULT_ASSIGN_OR_RETURN(r.anchor, ReadString(obj, "anchor", at + ".anchor"));
  if (!IsName(r.anchor)) {
    return Invalid(at + ".anchor",
                   Shown(r.anchor) + " must be \"ingest\", \"event\" or a date field name");
  }
  if (r.anchor == "event") {
    VAULT_ASSIGN_OR_RETURN(r.event, ReadString(obj, "event", at + ".event"));
    if (!IsName(r.event))
      return Invalid(at + ".event", Shown(r.event) + " must be a name such as business_ended");
    if (obj.has("fallback_anchors"))
      return Invalid(at + ".fallback_anchors", "not allowed with anchor \"event\"");
  } else if (obj.has("event")) {
    return Invalid(at + ".event", "only allowed with anchor \"event\"");
  }
  if (obj.has("fallback_anchors")) {
    const std::string fa = at + ".fallback_anchors";
    if (!obj.isArray("fallback_anchors")) return Invalid(fa, "must be a list of strings");
    Poco::JSON::Array::Ptr arr = obj.getArray("fallback_anchors");
    if (arr->size() == 0) return Invalid(fa, "empty (leave it out instead)");
    for (unsigned i = 0; i < arr->size(); ++i) {
      const std::string ai = fa + "[" + std::to_string(i) + "]";
      Poco::Dynamic::Var v = arr->get(i);
      if (!v.isString()) return Invalid(ai, "must be a string");
      std::string name = v.extract<std::string>();
      if (!IsName(name) || name == "event")
        return Invalid(ai, Shown(name) + " must be \"ingest\" or a date field name");
      if (name == r.anchor || std::find(r.fallback_anchors.begin(), r.fallback_anchors.end(),
                                        name) != r.fallback_anchors.end()) {
        return Invalid(ai, Shown(name) + " named twice");
      }
      r.fallback_anchors.push_back(std::move(name));
    }
  }
  VAULT_ASSIGN_OR_RETURN(r.period, ReadPeriod(obj, "period", at + ".period"));
  if (obj.has("after_year_end")) {
    Poco::Dynamic::Var v = obj.get("after_year_end");
    if (!v.isBoolean()) return Invalid(at + ".after_year_end", "must be true or false");
    r.after_year_end = v.convert<bool>();
  }
  if (obj.has("basis") && !obj.get("basis").isString())
    return Invalid(at + ".basis", "must be a string");
  return r;
}

}  // namespace

StatusOr<std::string> AddCalendarPeriod(const std::string& rfc3339_utc,
                                        const std::string& iso_period) {
  UtcTime t;
  if (!ParseTime(rfc3339_utc, false, &t)) {
    return InvalidArgumentError(
        "retention.bad_date",
        Shown(rfc3339_utc) + ": must be RFC 3339 UTC as YYYY-MM-DDTHH:MM:SSZ");
  }
  VAULT_ASSIGN_OR_RETURN(RetentionPeriod p, ParsePeriod(iso_period));
  VAULT_ASSIGN_OR_RETURN(UtcTime due, AddPeriod(t, p));
  return Format(due);
}

// ---------------------------------------------------------------------------
// The policy.

StatusOr<std::unique_ptr<RetentionPolicy>> RetentionPolicy::FromJson(const std::string& json) {
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr root, ReadStrictJson(json, RetentionFile()));
  try {
    const Poco::JSON::Object& top = *root;
    if (!top.has("version")) return Invalid("version", "missing");
    Poco::Dynamic::Var version = top.get("version");
    if (version.isBoolean() || !version.isInteger() || version.convert<int64_t>() != 1)
      return Invalid("version", "must be 1");
    if (top.has("description") && !top.get("description").isString())
      return Invalid("description", "must be a string");

    std::unique_ptr<RetentionPolicy> p(new RetentionPolicy());
    if (!top.has("retention_classes")) return Invalid("retention_classes", "missing");
    if (!top.isObject("retention_classes"))
      return Invalid("retention_classes", "must be an object of class: period");
    Poco::JSON::Object::Ptr classes = top.getObject("retention_classes");
    for (const auto& name : classes->getNames()) {
      const std::string at = "retention_classes." + name;
      if (!IsName(name)) return Invalid(at, "class keys are lower-case letters, digits and _");
      VAULT_ASSIGN_OR_RETURN(p->classes_[name], ReadPeriod(*classes, name, at));
    }

    if (!top.has("rules")) return Invalid("rules", "missing");
    if (!top.isObject("rules")) return Invalid("rules", "must be an object of type: rule");
    Poco::JSON::Object::Ptr rules = top.getObject("rules");
    for (const auto& key : rules->getNames()) {
      const std::string at = "rules." + key;
      if (!IsName(key)) return Invalid(at, "must be a document type key (e.g. contract)");
      if (!rules->isObject(key)) return Invalid(at, "must be an object");
      VAULT_ASSIGN_OR_RETURN(p->rules_[key], ReadRule(*rules->getObject(key), key));
    }
    if (!p->rules_.count("default"))
      return Invalid("rules.default", "missing (it applies to every other type)");
    return p;
  } catch (const Poco::Exception& e) {
    return InvalidArgumentError("retention.policy_invalid", "retention.json: " + e.displayText());
  }
}

RetentionDecision RetentionPolicy::Decide(const DocumentRecord& doc,
                                          const std::map<std::string, std::string>& events) const {
  RetentionDecision d;
  auto found = rules_.find(doc.meta.doc_type);
  const RetentionRule& rule = found != rules_.end() ? found->second : rules_.at("default");
  d.rule = rule.key;
  std::string prefix = rule.label + ": ";

  RetentionPeriod period = rule.period;
  const std::string& cls = doc.meta.retention_class;
  if (!cls.empty()) {
    auto c = classes_.find(cls);
    if (c == classes_.end()) {
      d.reason = prefix + "retention_class " + Shown(cls) +
                 " is not defined in retention.json; not due until corrected";
      return d;
    }
    period = c->second;
    prefix += "retention_class " + cls + ": ";
  }
  if (period.permanent) {
    d.permanent = true;
    d.reason = prefix + "kept permanently";
    return d;
  }
  d.period = FormatPeriod(period);
  const std::string span = DescribePeriod(period);

  // The anchor: an event, or the first of the anchor and its fallbacks that
  // the record carries.
  std::string anchor_text, shown_anchor, note;
  if (rule.anchor == "event") {
    d.anchor = "event:" + rule.event;
    shown_anchor = "event " + rule.event;
    auto e = events.find(rule.event);
    if (e == events.end() || e->second.empty()) {
      d.event_pending = true;
      d.reason =
          prefix + span + " from " + shown_anchor + ", not yet recorded; not due until it is";
      return d;
    }
    anchor_text = e->second;
  } else {
    std::vector<std::string> tried = {rule.anchor};
    tried.insert(tried.end(), rule.fallback_anchors.begin(), rule.fallback_anchors.end());
    for (const auto& name : tried) {
      if (name == "ingest") {
        anchor_text = doc.created_at;
      } else {
        auto f = doc.meta.fields.find(name);
        anchor_text = f != doc.meta.fields.end() ? f->second : "";
      }
      if (!anchor_text.empty()) {
        d.anchor = name;
        break;
      }
    }
    if (d.anchor.empty()) {
      std::string names;
      for (size_t i = 0; i < tried.size(); ++i)
        names += (i ? (i + 1 == tried.size() ? " and " : ", ") : "") + tried[i];
      d.anchor = rule.anchor;
      d.reason = prefix + span + " from " + names + ", none recorded; not due until one is";
      return d;
    }
    shown_anchor = d.anchor;
    if (d.anchor != rule.anchor) note = " (" + rule.anchor + " not recorded)";
  }

  UtcTime anchor;
  if (!ParseTime(anchor_text, true, &anchor)) {
    d.event_pending = rule.anchor == "event";
    d.reason = prefix + (rule.anchor == "event" ? "event " + rule.event : d.anchor) + " " +
               Shown(anchor_text) + " is not a date; not due until corrected";
    return d;
  }
  d.anchor_date = Format(anchor);
  UtcTime start = anchor;
  std::string counted;
  if (rule.after_year_end) {
    start = UtcTime{anchor.year + 1, 1, 1, 0, 0, 0};
    counted = ", counted from " + Pad(start.year, 4) + "-01-01 (after the year ends)";
  }
  auto due = AddPeriod(start, period);
  if (!due.ok()) {
    d.reason = prefix + span + " from " + shown_anchor + " " + anchor_text + note +
               " falls after year 9999; not due";
    return d;
  }
  d.due_at = Format(*due);
  d.reason = prefix + span + " from " + shown_anchor + " " + anchor_text + note + counted;
  return d;
}

bool RetentionPolicy::Expired(const RetentionDecision& d, TimePoint now) const {
  if (d.permanent || d.event_pending || d.due_at.empty()) return false;
  UtcTime due;
  if (!ParseTime(d.due_at, false, &due)) return false;
  int64_t now_s = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  return EpochSeconds(due) <= now_s;
}

}  // namespace vault
