#include "vault/alerts/alert_policy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>

#include "vault/borrow/borrow_policy.h"
#include "vault/policy/strict_json.h"

namespace vault {
namespace {

using S = JsonShape;

const PolicyFileSpec& AlertsFile() {
  static const PolicyFileSpec spec = [] {
    auto base = [](std::vector<std::pair<std::string, JsonShape>> more) {
      std::vector<std::pair<std::string, JsonShape>> f = {
          {"id", S::String()}, {"enabled", S::Boolean()}, {"window", S::String()}};
      for (auto& m : more) f.push_back(std::move(m));
      return S::Object(std::move(f));
    };
    const JsonShape strings = S::List(S::String());
    return PolicyFile(
        "alerts.json", "alerts.policy_invalid",
        {{"notify_roles", strings},
         {"bursts", S::List(base({{"actions", strings}, {"threshold", S::WholeNumber()}}))},
         {"denials", base({{"threshold", S::WholeNumber()}, {"ignore_reasons", strings}})},
         {"after_hours", base({{"actions", strings},
                               {"classifications", strings},
                               {"utc_offset", S::String()},
                               {"working_days", S::List(S::WholeNumber())},
                               {"day_start", S::String()},
                               {"day_end", S::String()}})},
         {"loans", base({{"actions", strings}, {"roles", strings}, {"classifications", strings}})},
         {"new_address", base({})}});
  }();
  return spec;
}

std::vector<std::string> Strings(const Poco::JSON::Object& o, const std::string& key) {
  std::vector<std::string> out;
  auto a = o.getArray(key);
  if (!a) return out;
  for (unsigned i = 0; i < a->size(); ++i) out.push_back(a->get(i).extract<std::string>());
  return out;
}

// id, enabled and window of a rule; `path` names it in errors.
Status ReadBase(const PolicyFileSpec& file, const Poco::JSON::Object& o, const std::string& path,
                AlertRuleBase* rule) {
  VAULT_ASSIGN_OR_RETURN(rule->id, RequiredString(file, o, "id", path + ".id"));
  if (rule->id.empty() || rule->id.size() > 64) return PolicyFileError(file, path + ".id", "1 to 64 characters");
  rule->enabled = o.optValue<bool>("enabled", true);
  VAULT_ASSIGN_OR_RETURN(std::string window, RequiredString(file, o, "window", path + ".window"));
  auto seconds = ParseIsoDuration(window);
  if (!seconds.ok() || seconds->count() <= 0 || seconds->count() > 7 * 86400) {
    return PolicyFileError(file, path + ".window", "an ISO 8601 duration from PT1S to P7D");
  }
  rule->window = *seconds;
  return Status::Ok();
}

Status ReadThreshold(const PolicyFileSpec& file, const Poco::JSON::Object& o, const std::string& path,
                     int64_t* out) {
  if (!o.has("threshold")) return PolicyFileError(file, path + ".threshold", "missing");
  *out = o.getValue<Poco::Int64>("threshold");
  if (*out < 1 || *out > 100000) return PolicyFileError(file, path + ".threshold", "1 to 100000");
  return Status::Ok();
}

Status NonEmpty(const PolicyFileSpec& file, const std::vector<std::string>& list, const std::string& path) {
  if (list.empty()) return PolicyFileError(file, path, "name at least one");
  return Status::Ok();
}

// "HH:MM" (00:00 to 24:00) as minutes after midnight; -1 when malformed.
int ParseClock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

// "+HH:MM" / "-HH:MM" (at most 14 hours) as minutes; false when malformed.
bool ParseOffset(const std::string& text, int* minutes) {
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-')) return false;
  const int m = ParseClock(text.substr(1));
  if (m < 0 || m > 14 * 60) return false;
  *minutes = text[0] == '-' ? -m : m;
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<AlertPolicy>> AlertPolicy::FromJson(const std::string& json) {
  const PolicyFileSpec& file = AlertsFile();
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr o, ReadStrictJson(json, file));
  if (!o->has("version")) return PolicyFileError(file, "version", "must be 1");
  std::unique_ptr<AlertPolicy> p(new AlertPolicy());
  p->notify_roles_ = Strings(*o, "notify_roles");
  VAULT_RETURN_IF_ERROR(NonEmpty(file, p->notify_roles_, "notify_roles"));
  std::vector<std::string> ids;

  if (auto bursts = o->getArray("bursts")) {
    for (unsigned i = 0; i < bursts->size(); ++i) {
      const std::string path = "bursts[" + std::to_string(i) + "]";
      const auto& b = *bursts->getObject(i);
      BurstRule rule;
      VAULT_RETURN_IF_ERROR(ReadBase(file, b, path, &rule));
      VAULT_RETURN_IF_ERROR(ReadThreshold(file, b, path, &rule.threshold));
      rule.actions = Strings(b, "actions");
      VAULT_RETURN_IF_ERROR(NonEmpty(file, rule.actions, path + ".actions"));
      if (rule.actions.size() > 8) return PolicyFileError(file, path + ".actions", "at most 8 actions");
      ids.push_back(rule.id);
      p->bursts_.push_back(std::move(rule));
    }
  }
  auto section = [&](const char* key) -> StatusOr<Poco::JSON::Object::Ptr> {
    auto s = o->getObject(key);
    if (!s) return PolicyFileError(file, key, "missing");
    return s;
  };
  VAULT_ASSIGN_OR_RETURN(auto denials, section("denials"));
  VAULT_RETURN_IF_ERROR(ReadBase(file, *denials, "denials", &p->denials_));
  VAULT_RETURN_IF_ERROR(ReadThreshold(file, *denials, "denials", &p->denials_.threshold));
  p->denials_.ignore_reasons = Strings(*denials, "ignore_reasons");
  ids.push_back(p->denials_.id);

  VAULT_ASSIGN_OR_RETURN(auto hours, section("after_hours"));
  AfterHoursRule& ah = p->after_hours_;
  VAULT_RETURN_IF_ERROR(ReadBase(file, *hours, "after_hours", &ah));
  ah.actions = Strings(*hours, "actions");
  ah.classifications = Strings(*hours, "classifications");
  VAULT_RETURN_IF_ERROR(NonEmpty(file, ah.actions, "after_hours.actions"));
  VAULT_RETURN_IF_ERROR(NonEmpty(file, ah.classifications, "after_hours.classifications"));
  if (!ParseOffset(hours->optValue<std::string>("utc_offset", ""), &ah.utc_offset_minutes)) {
    return PolicyFileError(file, "after_hours.utc_offset", "+HH:MM or -HH:MM, at most 14 hours");
  }
  ah.day_start_minute = ParseClock(hours->optValue<std::string>("day_start", ""));
  ah.day_end_minute = ParseClock(hours->optValue<std::string>("day_end", ""));
  if (ah.day_start_minute < 0) return PolicyFileError(file, "after_hours.day_start", "HH:MM");
  if (ah.day_end_minute <= ah.day_start_minute) {
    return PolicyFileError(file, "after_hours.day_end", "HH:MM after day_start");
  }
  if (auto days = hours->getArray("working_days")) {
    for (unsigned i = 0; i < days->size(); ++i) {
      const int d = days->getElement<int>(i);
      if (d < 1 || d > 7) return PolicyFileError(file, "after_hours.working_days", "1 (Monday) to 7 (Sunday)");
      ah.working_days.push_back(d);
    }
  }
  ids.push_back(ah.id);

  VAULT_ASSIGN_OR_RETURN(auto loans, section("loans"));
  LoanNeededRule& ln = p->loans_;
  VAULT_RETURN_IF_ERROR(ReadBase(file, *loans, "loans", &ln));
  ln.actions = Strings(*loans, "actions");
  ln.roles = Strings(*loans, "roles");
  ln.classifications = Strings(*loans, "classifications");
  VAULT_RETURN_IF_ERROR(NonEmpty(file, ln.actions, "loans.actions"));
  VAULT_RETURN_IF_ERROR(NonEmpty(file, ln.roles, "loans.roles"));
  VAULT_RETURN_IF_ERROR(NonEmpty(file, ln.classifications, "loans.classifications"));
  ids.push_back(ln.id);

  VAULT_ASSIGN_OR_RETURN(auto address, section("new_address"));
  VAULT_RETURN_IF_ERROR(ReadBase(file, *address, "new_address", &p->new_address_));
  ids.push_back(p->new_address_.id);

  std::sort(ids.begin(), ids.end());
  if (auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end()) {
    return PolicyFileError(file, "", "rule id '" + *dup + "' is used twice");
  }
  return p;
}

bool AlertPolicy::WithinWorkingHours(std::chrono::system_clock::time_point t) const {
  const AfterHoursRule& r = after_hours_;
  const int64_t local_minutes =
      std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count() + r.utc_offset_minutes;
  // Floor division: instants before 1970 still land on the right day.
  const int64_t day = local_minutes >= 0 ? local_minutes / 1440 : (local_minutes - 1439) / 1440;
  const int minute = static_cast<int>(local_minutes - day * 1440);
  // 1970-01-01 was a Thursday (4).
  const int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7) + 1;
  if (std::find(r.working_days.begin(), r.working_days.end(), weekday) == r.working_days.end()) return false;
  return minute >= r.day_start_minute && minute < r.day_end_minute;
}

}  // namespace vault
